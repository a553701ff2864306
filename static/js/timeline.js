// The explorer's timeline: drag across bars to list the incidents that began in that range.
// Each bar is already a link to its own period (start_after and date_before); a range takes
// start_after from its first bar and date_before from its last, keeping the other filters.
(function () {
  "use strict";
  var chart = document.querySelector(".timeline-chart");
  if (!chart) {
    return;
  }
  var bars = Array.prototype.slice.call(chart.querySelectorAll("a.bar"));
  var range = document.querySelector(".timeline-range");
  var help = document.querySelector(".timeline-help");
  var first = null;
  var last = null;
  var dragged = false;
  var handled = false;

  if (help) {
    help.textContent = "Choose a bar, or drag across bars, to list the incidents that began then.";
  }

  function barAt(event) {
    var element = document.elementFromPoint(event.clientX, event.clientY);
    var bar = element && element.closest ? element.closest("a.bar") : null;
    return bar && bars.indexOf(bar) >= 0 ? bar : null;
  }

  // An SVG link's href is not a string: read the attribute.
  function link(bar) {
    return new URL(bar.getAttribute("href"), window.location.href);
  }

  function rangeUrl(from, to) {
    var url = link(from);
    url.searchParams.set("date_before", link(to).searchParams.get("date_before"));
    return url.toString();
  }

  function ordered() {
    var a = bars.indexOf(first);
    var b = bars.indexOf(last);
    return a <= b ? [a, b] : [b, a];
  }

  function mark() {
    var ends = ordered();
    var total = 0;
    bars.forEach(function (bar, index) {
      var inside = index >= ends[0] && index <= ends[1];
      bar.classList.toggle("in-range", inside);
      if (inside) {
        total += Number(bar.getAttribute("data-total"));
      }
    });
    if (range) {
      var from = bars[ends[0]].getAttribute("data-label");
      var to = bars[ends[1]].getAttribute("data-label");
      range.textContent = from + " to " + to + ": " + total + " incident" + (total === 1 ? "" : "s");
    }
  }

  function clear() {
    bars.forEach(function (bar) {
      bar.classList.remove("in-range");
    });
    first = last = null;
  }

  chart.addEventListener("pointerdown", function (event) {
    var bar = barAt(event);
    // A modified or other-button click keeps the link's own behaviour (a new tab).
    if (!bar || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    first = last = bar;
    dragged = false;
    handled = true;
    event.preventDefault();
    chart.setPointerCapture(event.pointerId);
  });

  chart.addEventListener("pointermove", function (event) {
    if (!first) {
      return;
    }
    var bar = barAt(event);
    if (bar && bar !== last) {
      last = bar;
      dragged = true;
      mark();
    }
  });

  chart.addEventListener("pointerup", function () {
    if (!first) {
      return;
    }
    var ends = ordered();
    var url = dragged ? rangeUrl(bars[ends[0]], bars[ends[1]]) : link(first).toString();
    clear();
    window.location.assign(url);
  });

  // The pointer's click has been answered above (the captured pointer's click may land on the
  // chart, not the bar); a keyboard's follows the link as usual.
  chart.addEventListener("click", function (event) {
    if (handled) {
      handled = false;
      event.preventDefault();
    }
  });
  chart.addEventListener("dragstart", function (event) {
    event.preventDefault();
  });
  chart.addEventListener("pointercancel", function () {
    clear();
    handled = false;
  });
})();
