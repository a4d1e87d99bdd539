// Interactivity for Sonde's flame graphs. Everything that comes from the profile (names, units, weights) is read
// from the DOM and written back with textContent or numeric attributes only, never parsed as markup or code.
(function () {
    "use strict";
    var svg = document.documentElement;
    var NS = "http://www.w3.org/2000/svg";
    var pad = Number(svg.getAttribute("data-pad"));
    var chartWidth = Number(svg.getAttribute("data-chart-width"));
    var charWidth = Number(svg.getAttribute("data-char-width"));
    var total = Number(svg.getAttribute("data-total"));
    var unit = svg.getAttribute("data-unit") || "count";
    var weightName = svg.getAttribute("data-weight") || "samples";
    var details = document.getElementById("details");
    var matched = document.getElementById("matched");
    var unzoomButton = document.getElementById("unzoom");
    var searchButton = document.getElementById("search");
    var highlight = "rgb(220,40,220)";

    var frames = [];
    var byGroup = new Map();
    var groups = svg.querySelectorAll("g.f");
    for (var i = 0; i < groups.length; i++) {
        var g = groups[i];
        var rect = g.querySelector("rect");
        var frame = {
            g: g,
            rect: rect,
            text: g.querySelector("text"),
            label: g.querySelector("title").textContent,
            offset: Number(g.getAttribute("data-x")),
            value: Number(g.getAttribute("data-v")),
            y: Number(rect.getAttribute("y")),
            height: Number(rect.getAttribute("height")),
            fill: rect.getAttribute("fill")
        };
        frames.push(frame);
        byGroup.set(g, frame);
    }
    var root = frames[0];
    var searching = false;

    function frameOf(node) {
        while (node && node !== svg) {
            var frame = byGroup.get(node);
            if (frame) return frame;
            node = node.parentNode;
        }
        return null;
    }

    function formatValue(value) {
        if (unit === "nanoseconds") {
            if (value >= 1e9) return (value / 1e9).toFixed(2) + " s";
            if (value >= 1e6) return (value / 1e6).toFixed(2) + " ms";
            if (value >= 1e3) return (value / 1e3).toFixed(1) + " \u00b5s";
            return value + " ns";
        }
        if (unit === "bytes") {
            if (value >= 1 << 30) return (value / (1 << 30)).toFixed(2) + " GiB";
            if (value >= 1 << 20) return (value / (1 << 20)).toFixed(2) + " MiB";
            if (value >= 1 << 10) return (value / (1 << 10)).toFixed(1) + " KiB";
            return value + " B";
        }
        return value.toLocaleString("en-US") + " " + weightName;
    }

    function percent(value) {
        return (total > 0 ? 100 * value / total : 0).toFixed(2) + "%";
    }

    function fitText(frame, width) {
        var maxChars = Math.floor((width - 6) / charWidth);
        var content = "";
        if (maxChars >= 3) {
            content = frame.label.length <= maxChars ? frame.label : frame.label.slice(0, maxChars - 2) + "..";
        }
        if (!frame.text) {
            if (content === "") return;
            frame.text = document.createElementNS(NS, "text");
            frame.text.setAttribute("y", (frame.y + frame.height - 4).toFixed(2));
            frame.g.appendChild(frame.text);
        }
        frame.text.textContent = content;
    }

    function place(frame, x, width) {
        frame.g.style.display = "";
        frame.rect.setAttribute("x", x.toFixed(2));
        frame.rect.setAttribute("width", width.toFixed(2));
        fitText(frame, width);
        if (frame.text) frame.text.setAttribute("x", (x + 3).toFixed(2));
    }

    function zoom(target) {
        if (target === root) {
            unzoom();
            return;
        }
        var start = target.offset;
        var end = target.offset + target.value;
        var scale = chartWidth / target.value;
        for (var i = 0; i < frames.length; i++) {
            var frame = frames[i];
            var frameEnd = frame.offset + frame.value;
            var below = frame.y >= target.y;
            if (below && frame.offset <= start && frameEnd >= end) {
                place(frame, pad, chartWidth);
                frame.g.classList.toggle("above", frame !== target);
            } else if (!below && frame.offset >= start && frameEnd <= end) {
                place(frame, pad + (frame.offset - start) * scale, frame.value * scale);
                frame.g.classList.remove("above");
            } else {
                frame.g.style.display = "none";
            }
        }
        unzoomButton.classList.remove("hidden");
    }

    function unzoom() {
        var scale = total > 0 ? chartWidth / total : 0;
        for (var i = 0; i < frames.length; i++) {
            var frame = frames[i];
            place(frame, pad + frame.offset * scale, frame.value * scale);
            frame.g.classList.remove("above");
        }
        unzoomButton.classList.add("hidden");
    }

    function search(pattern) {
        var expression;
        try {
            expression = new RegExp(pattern);
        } catch (error) {
            details.textContent = "Invalid search pattern: " + error.message;
            return;
        }
        resetSearch();
        var hits = [];
        for (var i = 1; i < frames.length; i++) {
            var frame = frames[i];
            if (!expression.test(frame.label)) continue;
            frame.rect.setAttribute("fill", highlight);
            hits.push(frame);
        }
        // A hit nested in another hit lies inside its range; count only the outermost ones.
        hits.sort(function (a, b) { return a.offset - b.offset || b.value - a.value; });
        var sum = 0;
        var coveredEnd = -1;
        for (var j = 0; j < hits.length; j++) {
            if (hits[j].offset < coveredEnd) continue;
            sum += hits[j].value;
            coveredEnd = hits[j].offset + hits[j].value;
        }
        matched.textContent = "Matched: " + percent(sum) + " (" + hits.length + " frames)";
        searchButton.textContent = "Reset Search";
        searching = true;
    }

    function resetSearch() {
        for (var i = 0; i < frames.length; i++) frames[i].rect.setAttribute("fill", frames[i].fill);
        matched.textContent = "";
        searchButton.textContent = "Search";
        searching = false;
    }

    function askSearch() {
        var pattern = window.prompt("Search for (regular expression):", "");
        if (pattern) search(pattern);
    }

    svg.addEventListener("mouseover", function (event) {
        var frame = frameOf(event.target);
        if (!frame) return;
        var note = frame.g.getAttribute("data-note");
        details.textContent = frame.label + " \u2014 " + formatValue(frame.value) + ", " + percent(frame.value) + (note ? "; " + note : "");
    });
    svg.addEventListener("mouseout", function (event) {
        if (frameOf(event.target)) details.textContent = " ";
    });
    svg.addEventListener("click", function (event) {
        var frame = frameOf(event.target);
        if (frame) zoom(frame);
    });
    unzoomButton.addEventListener("click", unzoom);
    searchButton.addEventListener("click", function () {
        if (searching) resetSearch();
        else askSearch();
    });
    window.addEventListener("keydown", function (event) {
        if (event.key === "F3" || ((event.ctrlKey || event.metaKey) && event.key === "f")) {
            event.preventDefault();
            askSearch();
        } else if (event.key === "Escape") {
            resetSearch();
            unzoom();
        }
    });
})();
