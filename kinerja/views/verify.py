"""The public verification page of issued documents: /verifikasi/<code>/, no login. It says
which document the code was printed on and checks a file in hand against the registered bytes.
An unknown code answers the plain 404 page, the same for every code: nothing about any office."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .. import verification

# A bundle of a large cycle is a few MB; anything far larger is not a document we issued.
MAX_CHECKED_BYTES = 100 * 1024 * 1024


@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request, code):
    document = verification.find(code)
    if document is None or document.derived_from_id:  # a copy has no page of its own: its pages name the original
        raise Http404("Kode verifikasi tidak dikenal.")
    result = None
    if request.method == "POST":
        result = _check(request, document)
    return render(
        request,
        "kinerja/verify.html",
        {"document": document, "printed": verification.display(document.code), "result": result},
    )


def _check(request, document) -> dict:
    """The outcome of checking an uploaded file or a pasted SHA-256: a sentence for the page."""
    uploaded = request.FILES.get("berkas")
    if uploaded is not None:
        if uploaded.size > MAX_CHECKED_BYTES:
            return {"error": "Berkas lebih dari 100 MB: bukan dokumen yang diterbitkan aplikasi ini."}
        sha256 = verification.sha256_of(uploaded)
        source = f"Berkas “{uploaded.name}” ({uploaded.size} bita)"
    else:
        sha256 = verification.normalise_sha256(request.POST.get("sha256", ""))
        if sha256 is None:
            return {"error": "Unggah berkasnya, atau tempel SHA-256-nya (64 angka heksadesimal)."}
        source = "SHA-256 yang Anda masukkan"
    copy = None if verification.matches(document, sha256) else verification.matching_copy(document, sha256)
    return {
        "matches": verification.matches(document, sha256) or copy is not None,
        "copy": copy,
        "sha256": sha256,
        "source": source,
    }
