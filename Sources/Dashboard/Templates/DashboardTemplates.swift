/// The dashboard's Mustache templates, compiled into the binary (no resource folder to ship
/// beside a static executable). `{{x}}` escapes HTML; no template uses `{{{x}}}` for data.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "pipelines": pipelines, "runs": runs, "run": run, "message": message,
        "experiments": experiments, "experiment": experiment, "trackingRun": trackingRun, "deviceVerify": deviceVerify, "devices": devices,
        "artifacts": artifacts, "artifactVersions": artifactVersions, "artifactVersion": artifactVersion, "models": models, "model": model,
        "system": system, "accounts": accounts, "audit": audit, "stacks": stacks, "secrets": secrets, "secret": secret,
        "compare": compare, "account": account, "traces": traces, "trace": trace,
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
        <nav><a href="/pipelines">Pipelines</a> <a href="/artifacts">Artifacts</a> <a href="/models">Models</a> <a href="/experiments">Experiments</a> <a href="/stacks">Stacks</a> <a href="/secrets">Secrets</a> <a href="/devices">Devices</a>{{#admin}} <a href="/admin">Admin</a>{{/admin}}</nav>
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

    static let openPager = """
        {{#pager}}<nav class="pager">{{#previous}}<a rel="prev" href="{{previous}}">← previous</a>{{/previous}}
        <span>page {{page}}</span>{{#next}}<a rel="next" href="{{next}}">next →</a>{{/next}}</nav>{{/pager}}
        """

    static let experiments = """
        {{<layout}}
        {{$title}}Experiments{{/title}}
        {{$content}}
        <h1>Experiments</h1>
        <table class="list" id="experiments">
        <thead><tr><th>Experiment</th><th>Last change</th></tr></thead>
        <tbody>
        {{#items}}<tr><td><a href="/experiments/{{id}}">{{name}}</a></td><td>{{updated}}</td></tr>
        {{/items}}
        {{^items}}<tr><td colspan="2" class="empty">No experiments.</td></tr>{{/items}}
        </tbody>
        </table>
        \(openPager)
        {{/content}}
        {{/layout}}
        """

    static let experiment = """
        {{<layout}}
        {{$title}}{{experiment}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/experiments">Experiments</a> / {{experiment}}</p>
        <h1>{{experiment}} <small><a href="/experiments/{{experimentID}}/traces">traces</a></small></h1>
        <form class="search" method="get" action="/experiments/{{experimentID}}">
        <label>Filter <input name="filter" value="{{filter}}" placeholder="metrics.acc > 0.5 and params.model = 'cnn'" size="48"></label>
        <label>Metrics <input name="metrics" value="{{metricsText}}" size="18"></label>
        <label>Params <input name="params" value="{{paramsText}}" size="14"></label>
        <input type="hidden" name="order" value="{{order}}">
        <button type="submit">Show</button>
        </form>
        {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}
        <form method="get" action="/experiments/{{experimentID}}/compare" id="compare-form">
        <table class="list" id="tracking-runs">
        <thead><tr><th></th><th>Run</th><th>Status</th><th><a href="{{startSort}}">Started</a></th><th>Duration</th>
        {{#metricColumns}}<th class="metric"><a href="{{sort}}">{{key}}</a></th>{{/metricColumns}}
        {{#paramColumns}}<th class="param"><a href="{{sort}}">{{key}}</a></th>{{/paramColumns}}</tr></thead>
        <tbody>
        {{#items}}<tr><td><input type="checkbox" name="runs" value="{{id}}" aria-label="compare {{name}}"></td><td><a href="/experiments/{{experimentID}}/runs/{{id}}">{{name}}</a></td><td><span class="status {{status}}">{{statusText}}</span></td>
        <td>{{start}}</td><td>{{duration}}</td>{{#metrics}}<td class="metric">{{value}}</td>{{/metrics}}{{#params}}<td class="param">{{value}}</td>{{/params}}</tr>
        {{/items}}
        {{^items}}<tr><td colspan="5" class="empty">No runs match.</td></tr>{{/items}}
        </tbody>
        </table>
        <button type="submit">Compare chosen runs</button>
        </form>
        \(openPager)
        {{/content}}
        {{/layout}}
        """

    static let trackingRun = """
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/experiments">Experiments</a> / <a href="/experiments/{{experimentID}}">{{experiment}}</a> / {{name}}</p>
        <h1>{{name}} <span class="status {{status}}">{{statusText}}</span></h1>
        <dl class="facts"><dt>Run id</dt><dd>{{runID}}</dd><dt>Started</dt><dd>{{start}}</dd><dt>Duration</dt><dd>{{duration}}</dd>
        <dt>Artifacts</dt><dd>{{artifactURI}}</dd></dl>
        <h2>Parameters</h2>
        <table class="list" id="params"><tbody>{{#params}}<tr><th>{{key}}</th><td>{{value}}</td></tr>{{/params}}
        {{^params}}<tr><td class="empty">none</td></tr>{{/params}}</tbody></table>
        <h2>Metrics</h2>
        <div class="charts">
        {{#charts}}<figure class="chart" id="chart-{{key}}"><figcaption>{{key}} <small>last {{last}} · {{count}} points</small></figcaption>
        <svg viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="history of {{key}}">
        <line class="axis" x1="{{left}}" y1="{{bottom}}" x2="{{right}}" y2="{{bottom}}"/><line class="axis" x1="{{left}}" y1="{{top}}" x2="{{left}}" y2="{{bottom}}"/>
        <text class="tick" x="4" y="{{top}}" dy="8">{{maxValue}}</text><text class="tick" x="4" y="{{bottom}}">{{minValue}}</text>
        <text class="tick" x="{{left}}" y="{{labelY}}">{{minStep}}</text><text class="tick end" x="{{right}}" y="{{labelY}}">{{maxStep}}</text>
        <polyline class="series" points="{{points}}"/></svg></figure>
        {{/charts}}
        {{^charts}}<p class="empty">No metrics.</p>{{/charts}}
        </div>
        <h2 id="artifacts">Artifacts{{#folder}} <small>{{folder}}</small>{{/folder}}</h2>
        {{#artifactsElsewhere}}<p class="empty">This run's artifacts are stored outside this server.</p>{{/artifactsElsewhere}}
        {{#artifactsProblem}}<p class="empty">{{artifactsProblem}}</p>{{/artifactsProblem}}
        <table class="list" id="run-artifacts"><tbody>{{#entries}}<tr><td><a href="{{href}}">{{name}}</a></td><td>{{size}}</td></tr>{{/entries}}
        {{^entries}}<tr><td class="empty">none</td></tr>{{/entries}}</tbody></table>
        <h2>Tags</h2>
        <table class="list" id="run-tags"><tbody>{{#tags}}<tr><th>{{key}}</th><td>{{value}}</td></tr>{{/tags}}
        {{^tags}}<tr><td class="empty">none</td></tr>{{/tags}}</tbody></table>
        {{/content}}
        {{/layout}}
        """

    static let deviceVerify = """
        {{<layout}}
        {{$title}}Approve a device{{/title}}
        {{$content}}
        <h1>Approve a device</h1>
        {{#device}}
        <p>A ZenML client asks to sign in as you. Approve it only if you started <code>zenml login</code> on this machine yourself.</p>
        <dl class="facts" id="device"><dt>Host</dt><dd>{{hostname}}</dd><dt>System</dt><dd>{{os}}</dd><dt>Address</dt><dd>{{ip}}</dd>
        <dt>ZenML</dt><dd>{{zenml}}</dd><dt>Python</dt><dd>{{python}}</dd><dt>Asked at</dt><dd>{{created}}</dd></dl>
        <form method="post" action="/devices/verify" class="approve">
        <input type="hidden" name="csrf" value="{{user.csrf}}">
        <input type="hidden" name="device_id" value="{{id}}">
        <label>Code shown by the client <input name="user_code" value="{{userCode}}" required></label>
        <label><input type="checkbox" name="trusted"> Trust this device for 30 days</label>
        <button type="submit">Approve</button>
        </form>
        {{/device}}
        {{/content}}
        {{/layout}}
        """

    static let devices = """
        {{<layout}}
        {{$title}}Devices{{/title}}
        {{$content}}
        <h1>Devices</h1>
        <table class="list" id="devices">
        <thead><tr><th>Host</th><th>System</th><th>Address</th><th>Status</th><th>Trusted</th><th>Last login</th><th></th></tr></thead>
        <tbody>
        {{#items}}<tr><td>{{hostname}}</td><td>{{os}}</td><td>{{ip}}</td><td>{{status}}</td><td>{{trusted}}</td><td>{{lastLogin}}</td>
        <td><form method="post" action="/devices/{{id}}/revoke"><input type="hidden" name="csrf" value="{{user.csrf}}"><button type="submit">Revoke</button></form></td></tr>
        {{/items}}
        {{^items}}<tr><td colspan="7" class="empty">No devices.</td></tr>{{/items}}
        </tbody>
        </table>
        {{/content}}
        {{/layout}}
        """

    static let artifacts = """
        {{<layout}}
        {{$title}}Artifacts{{/title}}
        {{$content}}
        <h1>Artifacts</h1>
        <table class="list" id="artifacts">
        <thead><tr><th>Artifact</th><th>Versions</th><th>Latest</th><th>Type</th><th>Last version</th></tr></thead>
        <tbody>
        {{#items}}<tr><td><a href="/artifacts/{{id}}">{{name}}</a></td><td>{{versions}}</td><td>{{latest}}</td><td>{{type}}</td><td>{{updated}}</td></tr>
        {{/items}}
        {{^items}}<tr><td colspan="5" class="empty">No artifacts.</td></tr>{{/items}}
        </tbody>
        </table>
        \(pager)
        {{/content}}
        {{/layout}}
        """

    static let artifactVersions = """
        {{<layout}}
        {{$title}}{{artifact}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/artifacts">Artifacts</a> / {{artifact}}</p>
        <h1>{{artifact}}</h1>
        <table class="list" id="artifact-versions">
        <thead><tr><th>Version</th><th>Type</th><th>Made</th><th>By step</th><th>Tags</th></tr></thead>
        <tbody>
        {{#items}}<tr><td><a href="/artifact-versions/{{id}}">{{version}}</a></td><td>{{type}}</td><td>{{created}}</td>
        <td>{{#producer}}<a href="/runs/{{runID}}">{{step}}</a>{{/producer}}</td><td>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</td></tr>
        {{/items}}
        </tbody>
        </table>
        \(pager)
        {{/content}}
        {{/layout}}
        """

    static let artifactVersion = """
        {{<layout}}
        {{$title}}{{artifact}} v{{version}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/artifacts">Artifacts</a> / <a href="/artifacts/{{artifactID}}">{{artifact}}</a> / v{{version}}</p>
        <h1>{{artifact}} <small>v{{version}}</small></h1>
        <dl class="facts" id="version-facts"><dt>Type</dt><dd>{{type}}</dd><dt>Data type</dt><dd>{{dataType}}</dd><dt>Made</dt><dd>{{created}}</dd>
        <dt>URI</dt><dd>{{uri}}</dd><dt>Made by</dt><dd>{{#producer}}step {{step}} of <a href="/runs/{{runID}}">{{run}}</a>{{/producer}}{{^producer}}—{{/producer}}</dd>
        <dt>Used by</dt><dd>{{#consumers}}step {{step}} of <a href="/runs/{{runID}}">{{run}}</a><br>{{/consumers}}{{^consumers}}—{{/consumers}}</dd>
        <dt>Tags</dt><dd>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</dd></dl>
        <h2>Metadata</h2>
        <pre id="version-metadata">{{metadata}}</pre>
        {{#visualizations}}
        <section class="visualization" id="visualization-{{index}}" data-type="{{type}}">
        <h2>Visualization {{index}} <small>{{type}}</small></h2>
        {{#problem}}<p class="empty">Not shown: {{problem}}</p>{{/problem}}
        {{#csv}}<table class="list csv"><thead><tr>{{#header}}<th>{{cell}}</th>{{/header}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td>{{cell}}</td>{{/cells}}</tr>{{/rows}}</tbody></table>{{#cut}}<p class="empty">First rows only.</p>{{/cut}}{{/csv}}
        {{#text}}<pre class="{{kind}}">{{text}}</pre>{{/text}}
        {{#image}}<img class="visual" alt="visualization {{index}}" src="{{image}}">{{/image}}
        {{#html}}<iframe class="visual" sandbox="" referrerpolicy="no-referrer" title="visualization {{index}}" srcdoc="{{html}}"></iframe>{{/html}}
        </section>
        {{/visualizations}}
        {{/content}}
        {{/layout}}
        """

    static let models = """
        {{<layout}}
        {{$title}}Models{{/title}}
        {{$content}}
        <h1>Models</h1>
        <h2>Pipeline models (ZenML)</h2>
        <table class="list" id="models">
        <thead><tr><th>Model</th><th>Versions</th><th>Latest</th><th>In production</th></tr></thead>
        <tbody>
        {{#items}}<tr><td><a href="/models/{{id}}">{{name}}</a></td><td>{{versions}}</td><td>{{latest}}</td><td>{{production}}</td></tr>
        {{/items}}
        {{^items}}<tr><td colspan="4" class="empty">No models.</td></tr>{{/items}}
        </tbody>
        </table>
        \(pager)
        <h2>Registered models (MLflow)</h2>
        <table class="list" id="registered-models">
        <thead><tr><th>Model</th><th>Latest by stage</th><th>Aliases</th><th>Updated</th></tr></thead>
        <tbody>
        {{#registered}}<tr><td>{{name}}<br><small>{{description}}</small></td><td>{{#stages}}{{stage}}: v{{version}}<br>{{/stages}}</td>
        <td>{{#aliases}}<span class="tag">@{{alias}} → v{{version}}</span> {{/aliases}}</td><td>{{updated}}</td></tr>
        {{/registered}}
        {{^registered}}<tr><td colspan="4" class="empty">No registered models.</td></tr>{{/registered}}
        </tbody>
        </table>
        {{/content}}
        {{/layout}}
        """

    static let model = """
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/models">Models</a> / {{name}}</p>
        <h1>{{name}}</h1>
        <dl class="facts"><dt>Description</dt><dd>{{description}}</dd><dt>License</dt><dd>{{license}}</dd>
        <dt>Tags</dt><dd>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</dd></dl>
        <table class="list" id="model-versions">
        <thead><tr><th>Version</th><th>Stage</th><th>Made</th><th>Tags</th><th>Runs</th><th>Artifacts</th></tr></thead>
        <tbody>
        {{#versions}}<tr><td>{{name}}</td><td><span class="status {{stage}}">{{stage}}</span></td><td>{{created}}</td>
        <td>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</td><td>{{#runs}}<a href="/runs/{{id}}">{{name}}</a><br>{{/runs}}</td>
        <td>{{#artifacts}}<a href="/artifact-versions/{{id}}">{{name}} v{{version}}</a> <small>{{type}}</small><br>{{/artifacts}}</td></tr>
        {{/versions}}
        </tbody>
        </table>
        {{/content}}
        {{/layout}}
        """

    static let adminNav = """
        <nav class="filters"><a href="/admin">System</a> <a href="/admin/accounts">Accounts</a> <a href="/admin/audit">Secret audit log</a></nav>
        """

    static let system = """
        {{<layout}}
        {{$title}}System{{/title}}
        {{$content}}
        <h1>System</h1>
        \(adminNav)
        <dl class="facts" id="system"><dt>Version</dt><dd>{{version}}</dd><dt>Up for</dt><dd>{{uptime}}</dd>
        <dt>Data folder</dt><dd>{{dataDirectory}}</dd><dt>Database</dt><dd>{{database}}</dd><dt>Artifacts</dt><dd>{{artifacts}}</dd>
        <dt>Free disk</dt><dd>{{free}}</dd><dt>Installed release</dt><dd>{{installed}}</dd><dt>Previous release</dt><dd>{{previous}}</dd></dl>
        {{/content}}
        {{/layout}}
        """

    static let accounts = """
        {{<layout}}
        {{$title}}Accounts{{/title}}
        {{$content}}
        <h1>Accounts</h1>
        \(adminNav)
        <table class="list" id="accounts">
        <thead><tr><th>Name</th><th>Kind</th><th>Role</th><th>Active</th><th>Since</th></tr></thead>
        <tbody>{{#items}}<tr><td><a href="/admin/accounts/{{name}}">{{name}}</a></td><td>{{kind}}</td><td>{{role}}</td><td>{{active}}</td><td>{{created}}</td></tr>{{/items}}</tbody>
        </table>
        {{/content}}
        {{/layout}}
        """

    static let audit = """
        {{<layout}}
        {{$title}}Secret audit log{{/title}}
        {{$content}}
        <h1>Secret audit log</h1>
        \(adminNav)
        <table class="list" id="audit">
        <thead><tr><th>#</th><th>When</th><th>Who</th><th>What</th><th>Secret</th><th>From</th><th>Outcome</th></tr></thead>
        <tbody>{{#items}}<tr><td>{{sequence}}</td><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{secret}}</td><td>{{address}}</td><td>{{outcome}}</td></tr>{{/items}}
        {{^items}}<tr><td colspan="7" class="empty">Nothing recorded.</td></tr>{{/items}}</tbody>
        </table>
        {{#next}}<nav class="pager"><a rel="next" href="{{next}}">later →</a></nav>{{/next}}
        {{/content}}
        {{/layout}}
        """

    static let stacks = """
        {{<layout}}
        {{$title}}Stacks{{/title}}
        {{$content}}
        <h1>Stacks</h1>
        <table class="list" id="stacks">
        <thead><tr><th>Stack</th><th>Components</th></tr></thead>
        <tbody>{{#stacks}}<tr><td>{{name}}<br><small>{{description}}</small></td>
        <td>{{#components}}{{type}}: <a href="#component-{{name}}">{{name}}</a> <small>{{flavor}}</small><br>{{/components}}</td></tr>{{/stacks}}</tbody>
        </table>
        <h2>Components</h2>
        {{#components}}<section class="step" id="component-{{name}}"><h3>{{name}} <small>{{type}} · {{flavor}}</small></h3>
        <pre>{{configuration}}</pre></section>{{/components}}
        {{/content}}
        {{/layout}}
        """

    static let secrets = """
        {{<layout}}
        {{$title}}Secrets{{/title}}
        {{$content}}
        <h1>Secrets</h1>
        <table class="list" id="secrets">
        <thead><tr><th>Name</th><th>Scope</th><th>Changed</th><th></th></tr></thead>
        <tbody>{{#items}}<tr><td>{{name}}</td><td>{{scope}}</td><td>{{updated}}</td>
        <td>{{#mayReveal}}<form method="post" action="/secrets/{{id}}/reveal"><input type="hidden" name="csrf" value="{{user.csrf}}"><button type="submit">Reveal values</button></form>{{/mayReveal}}</td></tr>{{/items}}
        {{^items}}<tr><td colspan="4" class="empty">No secrets.</td></tr>{{/items}}</tbody>
        </table>
        <p class="empty">Revealing values is recorded in the secret audit log.</p>
        {{/content}}
        {{/layout}}
        """

    static let secret = """
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/secrets">Secrets</a> / {{name}}</p>
        <h1>{{name}}</h1>
        <table class="list" id="secret-values"><thead><tr><th>Key</th><th>Value</th></tr></thead>
        <tbody>{{#values}}<tr><td>{{key}}</td><td><code>{{value}}</code></td></tr>{{/values}}</tbody></table>
        {{/content}}
        {{/layout}}
        """

    static let compare = """
        {{<layout}}
        {{$title}}Compare runs{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/experiments">Experiments</a> / <a href="/experiments/{{experimentID}}">experiment</a> / compare</p>
        <h1>Compare runs</h1>
        <p class="legend">{{#runs}}<span class="key s{{series}}">■</span> <a href="/experiments/{{experimentID}}/runs/{{id}}">{{name}}</a> {{/runs}}</p>
        <table class="list" id="compare-params"><thead><tr><th>Param</th>{{#runs}}<th>{{name}}</th>{{/runs}}</tr></thead>
        <tbody>{{#params}}<tr><th>{{key}}</th>{{#values}}<td>{{value}}</td>{{/values}}</tr>{{/params}}</tbody></table>
        <div class="charts">
        {{#charts}}<figure class="chart" id="compare-{{key}}"><figcaption>{{key}}</figcaption>
        <svg viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="{{key}} of the compared runs">
        <line class="axis" x1="{{left}}" y1="{{bottom}}" x2="{{right}}" y2="{{bottom}}"/><line class="axis" x1="{{left}}" y1="{{top}}" x2="{{left}}" y2="{{bottom}}"/>
        <text class="tick" x="4" y="{{top}}" dy="8">{{maxValue}}</text><text class="tick" x="4" y="{{bottom}}">{{minValue}}</text>
        <text class="tick" x="{{left}}" y="{{labelY}}">{{minStep}}</text><text class="tick end" x="{{right}}" y="{{labelY}}">{{maxStep}}</text>
        {{#lines}}<polyline class="series s{{series}}" points="{{points}}"><title>{{run}}</title></polyline>{{/lines}}</svg></figure>
        {{/charts}}
        </div>
        {{/content}}
        {{/layout}}
        """

    static let account = """
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/admin/accounts">Accounts</a> / {{name}}</p>
        <h1>{{name}} <small>{{kind}}</small></h1>
        {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}
        {{#newKey}}<p class="notice" id="new-key">The new API key, shown this once: <code>{{newKey}}</code></p>{{/newKey}}
        <form method="post" class="inline" id="role-form"><input type="hidden" name="csrf" value="{{user.csrf}}"><input type="hidden" name="action" value="role">
        <label>Role <select name="role">{{#roles}}<option value="{{value}}"{{#on}} selected{{/on}}>{{value}}</option>{{/roles}}</select></label>
        <button type="submit">Change role</button></form>
        {{#serviceAccount}}
        <h2>API keys</h2>
        <table class="list" id="api-keys"><thead><tr><th>Key</th><th>State</th><th>Last login</th><th>Made</th><th></th></tr></thead>
        <tbody>{{#keys}}<tr><td>{{name}}</td><td>{{active}}</td><td>{{lastLogin}}</td><td>{{created}}</td>
        <td>{{#revocable}}<form method="post"><input type="hidden" name="csrf" value="{{user.csrf}}"><input type="hidden" name="action" value="revoke_key">
        <input type="hidden" name="key" value="{{name}}"><button type="submit">Revoke</button></form>{{/revocable}}</td></tr>{{/keys}}</tbody></table>
        <form method="post" class="inline" id="key-form"><input type="hidden" name="csrf" value="{{user.csrf}}"><input type="hidden" name="action" value="create_key">
        <label>New key named <input name="key_name" required></label> <button type="submit">Create API key</button></form>
        {{/serviceAccount}}
        {{/content}}
        {{/layout}}
        """

    static let traces = """
        {{<layout}}
        {{$title}}Traces{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/experiments">Experiments</a> / <a href="/experiments/{{experimentID}}">{{experiment}}</a> / traces</p>
        <h1>Traces of {{experiment}}</h1>
        <table class="list" id="traces"><thead><tr><th>Trace</th><th>State</th><th>At</th><th>Duration</th><th>Request</th><th>Response</th></tr></thead>
        <tbody>{{#items}}<tr><td><a href="/traces/{{id}}">{{id}}</a></td><td><span class="status {{state}}">{{stateText}}</span></td><td>{{at}}</td>
        <td>{{duration}}</td><td><small>{{request}}</small></td><td><small>{{response}}</small></td></tr>{{/items}}
        {{^items}}<tr><td colspan="6" class="empty">No traces.</td></tr>{{/items}}</tbody></table>
        \(openPager)
        {{/content}}
        {{/layout}}
        """

    static let trace = """
        {{<layout}}
        {{$title}}Trace {{id}}{{/title}}
        {{$content}}
        <p class="crumbs"><a href="/experiments/{{experimentID}}/traces">Traces</a> / {{id}}</p>
        <h1>Trace <small>{{id}}</small> <span class="status">{{state}}</span></h1>
        <table class="list" id="spans"><thead><tr><th>Span</th><th>Status</th><th>Duration</th><th class="timeline">Timeline</th></tr></thead>
        <tbody>{{#spans}}<tr><td><span class="indent i{{indent}}"></span>{{name}}</td><td>{{status}}</td><td>{{duration}}</td>
        <td class="timeline"><svg viewBox="0 0 100 6" preserveAspectRatio="none" width="100%" height="8"><rect x="{{offset}}" y="0" width="{{width}}" height="6" class="span-bar"/></svg></td></tr>{{/spans}}</tbody></table>
        <h2>Request</h2><pre>{{request}}</pre><h2>Response</h2><pre>{{response}}</pre>
        {{/content}}
        {{/layout}}
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
        <div class="io"><div><h4>Inputs</h4><ul>{{#inputs}}<li>{{name}}: <a href="/artifact-versions/{{versionID}}">{{artifactName}} v{{version}}</a> <small>{{type}}</small></li>{{/inputs}}{{^inputs}}<li class="empty">none</li>{{/inputs}}</ul></div>
        <div><h4>Outputs</h4><ul>{{#outputs}}<li>{{name}}: <a href="/artifact-versions/{{versionID}}">{{artifactName}} v{{version}}</a> <small>{{type}}</small></li>{{/outputs}}{{^outputs}}<li class="empty">none</li>{{/outputs}}</ul></div></div>
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
