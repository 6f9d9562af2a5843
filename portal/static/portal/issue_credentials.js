// Issuing a class's logins (templates/records/issue_credentials.html): the form is
// sent from here so that the page can say it is working, save the PDF the answer
// holds, and reload to show who still has no login. Without this script the form
// posts as usual and the browser downloads the PDF.
(function () {
  "use strict";
  var form = document.querySelector("[data-issue-credentials]");
  if (!form || !window.fetch || !window.URL || !URL.createObjectURL) {
    return;
  }
  var status = form.querySelector("[data-issue-status]");
  var button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    status.textContent = form.dataset.working;
    status.hidden = false;
    fetch(form.action || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/pdf"}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/pdf") !== 0) {
        // A message page (nobody to issue): follow it.
        window.location.reload();
        return null;
      }
      var disposition = response.headers.get("Content-Disposition") || "";
      var name = (disposition.match(/filename="([^"]+)"/) || [])[1] || "logins.pdf";
      return response.blob().then(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = name;
        document.body.appendChild(link);
        link.click();
        // Give the browser a moment to start saving before the page goes.
        window.setTimeout(function () {
          URL.revokeObjectURL(link.href);
          window.location.reload();
        }, 800);
      });
    }).catch(function () {
      button.disabled = false;
      status.textContent = form.dataset.failed;
    });
  });
})();
