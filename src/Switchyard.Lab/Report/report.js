// Builds the lab report from the JSON in #lab-data. Every value goes in as text (textContent), never as HTML.
// With <body data-mode="render"> it instead draws each chart at a fixed size and writes it out as a PNG data URL
// in <pre id="png-ID">, which `chromium --dump-dom` hands back to `yard lab` for report.md.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lab-data").textContent);
  var render = document.body.getAttribute("data-mode") === "render";
  var colors = { "Switchyard": "#2563eb", "raw .NET": "#7c3aed", "Python": "#d97706" };
  var verdicts = { Holds: "holds here", Partly: "partly holds here", DoesNotHold: "does not hold here", Failed: "could not be measured here" };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function format(v) {
    if (v === null || v === undefined) return "–";
    var a = Math.abs(v);
    var digits = a >= 100 ? 0 : a >= 1 ? 2 : a >= 0.01 ? 3 : 4;
    return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  // White behind the chart, so the PNG is not transparent.
  var background = {
    id: "labBackground",
    beforeDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    }
  };

  function config(chart) {
    return {
      type: chart.line ? "line" : "bar",
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (s) {
          var color = colors[s.name] || "#475569";
          return { label: s.name, data: s.values, backgroundColor: color, borderColor: color, spanGaps: true };
        })
      },
      options: {
        animation: false,
        responsive: !render,
        maintainAspectRatio: true,
        devicePixelRatio: render ? 2 : undefined,
        plugins: {
          title: { display: true, text: chart.title },
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + format(c.raw) + " " + chart.unit; } } }
        },
        scales: {
          y: { type: chart.log ? "logarithmic" : "linear", beginAtZero: !chart.log, title: { display: true, text: chart.unit } }
        }
      },
      plugins: [background]
    };
  }

  if (render) {
    data.experiments.forEach(function (e) {
      e.charts.forEach(function (c) {
        var canvas = el("canvas");
        canvas.width = 900;
        canvas.height = 450;
        canvas.style.width = "900px";
        canvas.style.height = "450px";
        document.body.appendChild(canvas);
        var chart = new Chart(canvas, config(c));
        var out = el("pre", chart.toBase64Image("image/png"));
        out.id = "png-" + c.id;
        document.body.appendChild(out);
      });
    });
    return;
  }

  var root = document.getElementById("report");
  root.appendChild(el("h1", data.title));
  var machine = el("table", null, "machine");
  data.machine.forEach(function (kv) {
    var row = el("tr");
    row.appendChild(el("th", kv[0]));
    row.appendChild(el("td", kv[1]));
    machine.appendChild(row);
  });
  root.appendChild(machine);
  root.appendChild(el("p", data.summary, "summary"));

  data.experiments.forEach(function (e) {
    var section = el("section", null, "experiment");
    section.id = "e" + e.number;
    section.appendChild(el("h2", e.number + ". " + e.title));
    var claim = el("p", null, "claim");
    claim.appendChild(el("strong", "Claim: "));
    claim.appendChild(document.createTextNode(e.claim));
    section.appendChild(claim);
    var verdict = el("p", null, "verdict " + e.verdict);
    verdict.appendChild(el("strong", "Verdict: " + verdicts[e.verdict] + ". "));
    verdict.appendChild(document.createTextNode(e.why));
    section.appendChild(verdict);
    e.charts.forEach(function (c) {
      var box = el("div", null, "chart");
      var canvas = el("canvas");
      canvas.id = "chart-" + c.id;
      canvas.setAttribute("data-experiment", String(e.number));
      box.appendChild(canvas);
      section.appendChild(box);
      new Chart(canvas, config(c));
      var table = el("table", null, "values");
      var head = el("tr");
      head.appendChild(el("th", c.unit));
      c.series.forEach(function (s) { head.appendChild(el("th", s.name)); });
      table.appendChild(head);
      c.labels.forEach(function (label, i) {
        var row = el("tr");
        row.appendChild(el("th", label));
        c.series.forEach(function (s) { row.appendChild(el("td", format(s.values[i]))); });
        table.appendChild(row);
      });
      section.appendChild(table);
    });
    if (e.notes.length) {
      var notes = el("ul", null, "notes");
      e.notes.forEach(function (n) { notes.appendChild(el("li", n)); });
      section.appendChild(notes);
    }
    section.appendChild(el("p", "Ran in " + format(e.seconds) + " s.", "elapsed"));
    root.appendChild(section);
  });
})();
