// A long select (data-searchable="placeholder") gets a search box above it: typing keeps the options whose
// text contains what was typed (no library, no internet; CSP: loaded as a file).
(function () {
  "use strict";
  function attach(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.placeholder = select.getAttribute("data-searchable") || "输入筛选";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options);
    box.addEventListener("input", function () {
      var needle = box.value.trim();
      var first = null;
      options.forEach(function (option) {
        var show = !option.value || !needle || option.text.indexOf(needle) !== -1;
        option.hidden = !show;
        option.disabled = !show;
        if (show && option.value && first === null) { first = option; }
      });
      var current = select.selectedIndex < 0 ? null : select.options[select.selectedIndex];
      if (needle && first && (!current || current.hidden || !current.value)) {
        select.value = first.value;
      }
    });
  }
  document.querySelectorAll("select[data-searchable]").forEach(attach);
})();
