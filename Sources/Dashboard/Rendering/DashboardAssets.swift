import Crypto
import Foundation

/// The dashboard's stylesheet and script, compiled in and served under a name that carries
/// their hash, so browsers may cache them for good.
enum DashboardAssets {
    static let css = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #f6f7f9; --accent: #2f5bd3; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
        header.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #1d2330; color: #fff; }
        header.top a { color: #fff; text-decoration: none; }
        .brand { font-weight: 700; letter-spacing: .02em; }
        header nav { display: flex; gap: 1rem; flex: 1; }
        form.logout { display: flex; gap: .6rem; align-items: center; margin: 0; }
        form.logout button { background: none; border: 1px solid #fff6; color: #fff; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
        main { padding: 1.2rem 1.5rem; max-width: 1200px; }
        h1 { font-size: 1.4rem; margin: .2rem 0 1rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; } h3 { font-size: 1rem; margin: 0 0 .4rem; }
        table.list { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
        table.list th, table.list td { text-align: left; padding: .45rem .7rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        table.list th { background: #eef1f5; font-weight: 600; }
        td.empty, li.empty { color: var(--muted); }
        a { color: var(--accent); }
        .status { display: inline-block; padding: 0 .45rem; border-radius: 9px; font-size: .8rem; background: #e4e7ee; }
        .status.completed { background: #d8f3df; color: #17602e; } .status.failed { background: #fbdcdc; color: #8a1f1f; }
        .status.running, .status.initializing, .status.provisioning { background: #dde8fd; color: #1c3f8f; }
        .status.cached { background: #efe6fb; color: #553089; } .status.retried, .status.retrying { background: #fdf0d5; color: #7a5410; }
        .tag { display: inline-block; padding: 0 .4rem; border: 1px solid var(--line); border-radius: 4px; font-size: .8rem; background: #fff; }
        .pager { display: flex; gap: 1rem; margin: .8rem 0; color: var(--muted); }
        .filters { margin-bottom: .8rem; } .filters a { margin-right: .4rem; } .filters a.on { font-weight: 700; text-decoration: none; color: var(--ink); }
        .crumbs { color: var(--muted); margin: 0; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0 1rem; }
        dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
        svg.dag { background: #fff; border: 1px solid var(--line); border-radius: 6px; max-width: 100%; height: auto; }
        svg.dag .edge { fill: none; stroke: #9aa3b5; stroke-width: 1.5; }
        svg.dag .node rect { fill: #fff; stroke: #9aa3b5; stroke-width: 1.5; }
        svg.dag .node.completed rect { stroke: #2f8f4e; fill: #f1fbf4; } svg.dag .node.failed rect { stroke: #c23b3b; fill: #fdf1f1; }
        svg.dag .node.running rect { stroke: #2f5bd3; fill: #f0f4ff; } svg.dag .node.cached rect { stroke: #7a4fc0; fill: #f7f2fd; }
        svg.dag text { font-size: 13px; fill: var(--ink); } svg.dag text.sub { font-size: 11px; fill: var(--muted); }
        section.step { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin: .8rem 0; }
        .io { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } .io h4 { margin: .2rem 0; } .io ul { margin: 0; padding-left: 1.1rem; }
        pre { background: #f1f3f7; padding: .6rem; border-radius: 4px; overflow: auto; max-height: 24rem; white-space: pre-wrap; word-break: break-word; }
        div.markdown { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .4rem 1rem; max-height: 36rem; overflow: auto; }
        div.markdown blockquote { border-left: 3px solid var(--line); margin: .6rem 0; padding-left: .8rem; color: var(--muted); }
        section.login { max-width: 22rem; margin: 3rem auto; background: #fff; padding: 1.5rem; border: 1px solid var(--line); border-radius: 8px; }
        section.login label { display: block; margin: .6rem 0; } section.login input { display: block; width: 100%; padding: .4rem; margin-top: .2rem; }
        section.login button { margin-top: .6rem; padding: .45rem 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
        form.search { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: .8rem; }
        form.search input { padding: .3rem; } form.search button { padding: .35rem .9rem; }
        td.metric, th.metric, td.param, th.param { font-variant-numeric: tabular-nums; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 1rem; }
        figure.chart { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
        figure.chart svg { max-width: 100%; height: auto; } figure.chart .axis { stroke: #9aa3b5; }
        figure.chart .series { fill: none; stroke: var(--accent); stroke-width: 1.8; } figure.chart .tick { font-size: 10px; fill: var(--muted); }
        figure.chart .tick.end { text-anchor: end; }
        figure.chart .series.s1 { stroke: #d1495b; } figure.chart .series.s2 { stroke: #2e933c; } figure.chart .series.s3 { stroke: #edae49; }
        figure.chart .series.s4 { stroke: #7a4fc0; } figure.chart .series.s5 { stroke: #00798c; }
        .key.s0 { color: #2f5bd3; } .key.s1 { color: #d1495b; } .key.s2 { color: #2e933c; } .key.s3 { color: #edae49; }
        .key.s4 { color: #7a4fc0; } .key.s5 { color: #00798c; }
        .legend .key { font-size: 1.1rem; }
        .status.production { background: #d8f3df; color: #17602e; } .status.staging { background: #dde8fd; color: #1c3f8f; }
        .status.archived { background: #eceef2; color: #5b6475; }
        .status.finished { background: #d8f3df; color: #17602e; }
        form.approve label { display: block; margin: .5rem 0; } form.approve button { padding: .45rem 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 4px; }
        section.visualization { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1rem; margin: 1rem 0; }
        img.visual { max-width: 100%; image-rendering: pixelated; min-width: 64px; border: 1px solid var(--line); }
        iframe.visual { width: 100%; min-height: 240px; border: 1px solid var(--line); background: #fff; }
        form.inline { margin: .8rem 0; display: flex; gap: .6rem; align-items: center; }
        .notice { background: #fdf0d5; padding: .5rem .7rem; border-radius: 4px; } .notice code { user-select: all; }
        td.timeline { width: 40%; } .span-bar { fill: var(--accent); } .indent { display: inline-block; }
        .indent.i0 { padding-left: 0px; } .indent.i18 { padding-left: 18px; } .indent.i36 { padding-left: 36px; } .indent.i54 { padding-left: 54px; } .indent.i72 { padding-left: 72px; } .indent.i90 { padding-left: 90px; } .indent.i108 { padding-left: 108px; } .indent.i126 { padding-left: 126px; } .indent.i144 { padding-left: 144px; } .indent.i162 { padding-left: 162px; } .indent.i180 { padding-left: 180px; } .indent.i198 { padding-left: 198px; } .indent.i216 { padding-left: 216px; }
        .error { color: #8a1f1f; background: #fbdcdc; padding: .4rem .6rem; border-radius: 4px; }
        """

    static let javascript = """
        "use strict";
        // Pages of runs still going reload themselves; nothing else runs script.
        document.addEventListener("DOMContentLoaded", function () {
          var seconds = Number(document.body.dataset.refresh || 0);
          if (seconds > 0) { window.setTimeout(function () { window.location.reload(); }, seconds * 1000); }
        });
        """

    /// The tab icon: a dark square with a light "E".
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d2330"/>\
        <path d="M10 8h12v3H13.5v3.5H21v3h-7.5V21H22v3H10z" fill="#fff"/></svg>
        """

    /// A short hash of both assets: their URLs change whenever they do.
    static let version: String = {
        let digest = SHA256.hash(data: Data((css + javascript + icon).utf8))
        return digest.prefix(6).map { String(format: "%02x", $0) }.joined()
    }()
}
