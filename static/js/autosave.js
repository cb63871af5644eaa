// Narrative drafts are saved as they are typed: each form marked data-autosave posts itself
// (with its CSRF token) two seconds after the last keystroke and shows when it was saved.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var timer = null;
    var status = form.querySelector("[data-autosave-status]");
    function save() {
      var body = new FormData(form);
      fetch(form.action, {
        method: "POST",
        body: body,
        headers: { "X-Requested-With": "autosave" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (status) {
            status.textContent = data.saved ? "Draf tersimpan " + data.at : (data.message || "Belum tersimpan");
          }
        })
        .catch(function () {
          if (status) { status.textContent = "Belum tersimpan (jaringan terputus); tekan Simpan."; }
        });
    }
    form.addEventListener("input", function () {
      if (status) { status.textContent = "Menyimpan…"; }
      clearTimeout(timer);
      timer = setTimeout(save, 2000);
    });
  });
})();
