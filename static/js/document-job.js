// The page of a document being made (or of a filing the worker is doing): asks the server every 2
// seconds how the request stands and reloads the page when that changes (ready: the download or
// the archive appears; failed: the reason). Without JavaScript the page has a "memuat ulang" link;
// no timed refresh of the whole page.
(() => {
  const box = document.querySelector("[data-job-status-url]");
  if (!box) return;
  const url = box.dataset.jobStatusUrl;
  const shown = box.dataset.jobStatus;
  const tick = () =>
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => {
        if (answer && answer.status !== shown) window.location.reload();
        else window.setTimeout(tick, 2000);
      })
      .catch(() => window.setTimeout(tick, 5000));
  window.setTimeout(tick, 2000);
})();
