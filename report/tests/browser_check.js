// Injected by tests/browser.rs into a copy of the report: records policy violations and errors,
// then, once the page has loaded, measures every chart and writes the findings into the page.
(function () {
  var problems = [];
  document.addEventListener('securitypolicyviolation', function (e) {
    problems.push('policy: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
  window.addEventListener('error', function (e) {
    problems.push('error: ' + (e.message || (e.target && e.target.outerHTML)));
  }, true);
  window.addEventListener('load', function () {
    var charts = Array.prototype.map.call(document.querySelectorAll('svg.chart'), function (svg) {
      var box = svg.getBoundingClientRect();
      var shapes = Array.prototype.filter.call(svg.querySelectorAll('rect, path, line'), function (s) {
        var b = s.getBBox();
        return b.width > 0 || b.height > 0;
      }).length;
      return { id: svg.id, width: box.width, height: box.height, shapes: shapes };
    });
    var out = document.createElement('pre');
    out.id = 'check';
    out.textContent = JSON.stringify({
      charts: charts,
      problems: problems,
      requests: performance.getEntriesByType('resource').length
    });
    document.body.appendChild(out);
  });
})();
