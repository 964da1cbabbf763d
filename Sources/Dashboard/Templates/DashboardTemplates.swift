/// The dashboard's Mustache templates, compiled into the binary (no resource folder to ship
/// beside a static executable). `{{x}}` escapes HTML; no template uses `{{{x}}}` for data.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "pipelines": pipelines, "runs": runs, "run": run, "message": message,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}Enclave{{/title}} · Enclave</title>
        <link rel="icon" href="/static/dashboard-\(DashboardAssets.version).svg" type="image/svg+xml">
        <link rel="stylesheet" href="/static/dashboard-\(DashboardAssets.version).css">
        <script src="/static/dashboard-\(DashboardAssets.version).js" defer></script>
        </head>
        <body{{#refresh}} data-refresh="{{refresh}}"{{/refresh}}>
        <header class="top">
        <a class="brand" href="/">Enclave</a>
        {{#user}}
        <nav><a href="/pipelines">Pipelines</a></nav>
        <form class="logout" method="post" action="/logout">
        <span class="who">{{name}} ({{role}})</span>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Log out</button>
        </form>
        {{/user}}
        </header>
        <main>
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}
        {{$title}}Log in{{/title}}
        {{$content}}
        <section class="login">
        <h1>Log in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/login">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <label>User name <input name="username" autocomplete="username" required autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Log in</button>
        </form>
        </section>
        {{/content}}
        {{/layout}}
        """

    static let pager = """
        {{#pager}}<nav class="pager">{{#previous}}<a rel="prev" href="{{previous}}">← newer</a>{{/previous}}
        <span>page {{page}} of {{pages}} · {{total}} in all</span>{{#next}}<a rel="next" href="{{next}}">older →</a>{{/next}}</nav>{{/pager}}
        """

    static let pipelines = """
        {{<layout}}
        {{$title}}Pipelines{{/title}}
        {{$content}}
        <h1>Pipelines</h1>
        <table class="list" id="pipelines">
        <thead><tr><th>Pipeline</th><th>Runs</th><th>Latest run</th><th>Status</th></tr></thead>
        <tbody>
        {{#items}}<tr><td><a href="/pipelines/{{id}}">{{name}}</a></td><td>{{runCount}}</td><td>{{latestRunAt}}</td>
        <td>{{#latestStatus}}<span class="status {{latestStatus}}">{{latestStatus}}</span>{{/latestStatus}}</td></tr>
        {{/items}}
        {{^items}}<tr><td colspan="4" class="empty">No pipeline has run yet.</td></tr>{{/items}}
        </tbody>
        </table>
        \(pager)
        {{/content}}
        {{/layout}}
        """

    static let runs = """
        {{<layout}}
        {{$title}}{{pipeline}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/pipelines">Pipelines</a> / {{pipeline}}</p>
        <h1>{{pipeline}}</h1>
        <nav class="filters">Status: <a href="?"{{^status}} class="on"{{/status}}>all</a>
        {{#statuses}}<a href="?status={{value}}"{{#on}} class="on"{{/on}}>{{value}}</a> {{/statuses}}</nav>
        <table class="list" id="runs">
        <thead><tr><th>Run</th><th>Status</th><th>Started</th><th>Duration</th><th>By</th><th>Tags</th><th>Model</th></tr></thead>
        <tbody>
        {{#items}}<tr><td><a href="/runs/{{id}}">{{name}}</a></td><td><span class="status {{status}}">{{status}}</span></td>
        <td>{{startTime}}</td><td>{{duration}}</td><td>{{userName}}</td><td>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</td>
        <td>{{modelVersion}}</td></tr>
        {{/items}}
        {{^items}}<tr><td colspan="7" class="empty">No runs match.</td></tr>{{/items}}
        </tbody>
        </table>
        \(pager)
        {{/content}}
        {{/layout}}
        """

    static let run = """
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/pipelines">Pipelines</a> / {{#pipelineID}}<a href="/pipelines/{{pipelineID}}">{{pipelineName}}</a> / {{/pipelineID}}{{name}}</p>
        <h1>{{name}} <span class="status {{status}}">{{status}}</span></h1>
        <dl class="facts"><dt>Started</dt><dd>{{startTime}}</dd><dt>Duration</dt><dd>{{duration}}</dd><dt>By</dt><dd>{{userName}}</dd>
        <dt>Tags</dt><dd>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</dd><dt>Model</dt><dd>{{modelVersion}}</dd></dl>
        <h2>Steps</h2>
        <svg class="dag" id="dag" role="img" aria-label="steps of the run" viewBox="0 0 {{graph.width}} {{graph.height}}" width="{{graph.width}}" height="{{graph.height}}">
        {{#graph.edges}}<path class="edge" d="M{{x1}},{{y1}} C{{mx}},{{y1}} {{mx}},{{y2}} {{x2}},{{y2}}"/>{{/graph.edges}}
        {{#graph.nodes}}<a href="#step-{{id}}"><g class="node {{status}}"><rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" rx="6"/>
        <text x="{{textX}}" y="{{textY}}">{{name}}</text><text class="sub" x="{{textX}}" y="{{subY}}">{{status}}{{#duration}} · {{duration}}{{/duration}}</text></g></a>
        {{/graph.nodes}}
        </svg>
        {{#steps}}
        <section class="step" id="step-{{id}}">
        <h3>{{name}} <span class="status {{status}}">{{status}}</span></h3>
        <dl class="facts"><dt>Started</dt><dd>{{startTime}}</dd><dt>Duration</dt><dd>{{duration}}</dd><dt>Cache</dt><dd>{{cache}}</dd></dl>
        <div class="io"><div><h4>Inputs</h4><ul>{{#inputs}}<li>{{name}}: {{artifactName}} v{{version}} <small>{{type}}</small></li>{{/inputs}}{{^inputs}}<li class="empty">none</li>{{/inputs}}</ul></div>
        <div><h4>Outputs</h4><ul>{{#outputs}}<li>{{name}}: {{artifactName}} v{{version}} <small>{{type}}</small></li>{{/outputs}}{{^outputs}}<li class="empty">none</li>{{/outputs}}</ul></div></div>
        <details><summary>Configuration</summary><pre>{{configuration}}</pre></details>
        {{#metadata}}<details><summary>Metadata</summary><pre>{{metadata}}</pre></details>{{/metadata}}
        </section>
        {{/steps}}
        <h2>Run metadata</h2>
        <pre id="run-metadata">{{metadata}}</pre>
        <details><summary>Run configuration</summary><pre>{{configuration}}</pre></details>
        {{/content}}
        {{/layout}}
        """

    static let message = """
        {{<layout}}
        {{$title}}{{heading}}{{/title}}
        {{$content}}
        <h1>{{heading}}</h1>
        <p>{{text}}</p>
        {{/content}}
        {{/layout}}
        """
}
