// The progress bar of a background job (templates/core/jobs/detail.html): polls the job's status
// (core.task_views.my_job_status) and moves the <progress> bar without a reload; when the job is done it
// lands on the result page. No inline script or style anywhere (Content-Security-Policy).
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var stage = box.querySelector(".job-stage");
  var badge = document.querySelector(".job-state .badge");
  var url = box.getAttribute("data-job-status");
  var delay = 500;

  function show(status) {
    if (status.percent === null || status.percent === undefined) {
      bar.removeAttribute("value");
    } else {
      bar.value = status.percent;
      bar.textContent = status.percent + "%";
    }
    if (badge) { badge.textContent = status.state_label; }
    var text = status.stage || status.state_label;
    if (status.total) { text += "：" + status.done + " / " + status.total; }
    stage.textContent = text;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.assign(status.url);
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        stage.textContent = "暂时无法获取进度，正在重试……";
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, delay);
})();
