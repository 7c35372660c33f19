// Follow the sending of invitations without reloading: poll while messages wait.
(function () {
  var box = document.getElementById("progress");
  if (!box) return;
  function update() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        ["sent", "queued", "failed"].forEach(function (k) {
          box.querySelector('[data-k="' + k + '"]').textContent = data[k];
        });
        if (data.queued > 0) setTimeout(update, 1000);
      })
      .catch(function () { setTimeout(update, 5000); });
  }
  if (Number(box.querySelector('[data-k="queued"]').textContent) > 0 ||
      document.querySelector(".flash-info")) update();
})();
