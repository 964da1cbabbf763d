/// The dashboard's templates for pipelines, runs, artifacts and ZenML models.
extension DashboardTemplates {
    /// A Markdown visualization's blocks (`MarkdownView`); headings start at h3 inside the page.
    static let markdown = """
        <div class="markdown">{{#blocks}}{{#h1}}<h3>\(markdownSpans)</h3>{{/h1}}{{#h2}}<h4>\(markdownSpans)</h4>{{/h2}}\
        {{#h3}}<h5>\(markdownSpans)</h5>{{/h3}}{{#h4}}<h6>\(markdownSpans)</h6>{{/h4}}\
        {{#paragraph}}<p>\(markdownSpans)</p>{{/paragraph}}{{#quote}}<blockquote>\(markdownSpans)</blockquote>{{/quote}}\
        {{#list}}{{#ordered}}<ol>{{/ordered}}{{^ordered}}<ul>{{/ordered}}{{#items}}<li>\(markdownSpans)</li>{{/items}}\
        {{#ordered}}</ol>{{/ordered}}{{^ordered}}</ul>{{/ordered}}{{/list}}\
        {{#code}}<pre class="markdown-code">{{text}}</pre>{{/code}}{{#rule}}<hr>{{/rule}}{{/blocks}}</div>
        """

    /// Inline Markdown spans (`MarkdownSpans`), every value escaped by the template.
    static let markdownSpans = """
        {{#spans}}{{#text}}{{value}}{{/text}}{{#strong}}<strong>{{value}}</strong>{{/strong}}{{#em}}<em>{{value}}</em>{{/em}}\
        {{#code}}<code>{{value}}</code>{{/code}}{{#link}}<a href="{{href}}" rel="noopener noreferrer">{{value}}</a>{{/link}}{{/spans}}
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
        {{#hasSnapshots}}<h2>Snapshots</h2>{{/hasSnapshots}}
        {{#snapshots}}<section class="snapshot" id="snapshot-{{id}}">
        <h3>{{name}}</h3>
        <dl class="facts"><dt>Stack</dt><dd>{{stack}}</dd><dt>Runs on</dt><dd>{{#pool}}agent pool {{pool}}{{/pool}}{{^pool}}not bound to an Enclave agent{{/pool}}</dd></dl>
        {{#runnable}}<form method="post" action="/pipelines/{{pipelineID}}/snapshots/{{id}}/run" class="run-form">
        <input type="hidden" name="csrf" value="{{user.csrf}}">
        {{#parameters}}<label>{{step}} · {{name}} <input name="{{field}}" value="{{value}}"></label>{{/parameters}}
        <button type="submit">Run</button></form>{{/runnable}}
        </section>{{/snapshots}}
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
        {{#mayStop}}<form method="post" action="/runs/{{id}}/stop" class="stop-form"><input type="hidden" name="csrf" value="{{user.csrf}}"><button type="submit">Stop</button></form>{{/mayStop}}
        <dl class="facts"><dt>Started</dt><dd>{{startTime}}</dd><dt>Duration</dt><dd>{{duration}}</dd><dt>By</dt><dd>{{userName}}</dd>
        <dt>Tags</dt><dd>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</dd><dt>Model</dt><dd>{{modelVersion}}</dd></dl>
        <h2>Steps</h2>
        <svg class="dag" id="dag" role="img" aria-label="steps of the run" viewBox="0 0 {{graph.width}} {{graph.height}}" width="{{graph.width}}" height="{{graph.height}}">
        {{#graph.edges}}<path class="edge" data-from="{{from}}" data-to="{{to}}" d="{{d}}"/>{{/graph.edges}}
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
        {{#runnerLog}}<h2>Runner log</h2><pre id="runner-log">{{runnerLog}}</pre>{{/runnerLog}}
        <h2>Run metadata</h2>
        <pre id="run-metadata">{{metadata}}</pre>
        <details><summary>Run configuration</summary><pre>{{configuration}}</pre></details>
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
        {{#markdown}}\(markdown){{/markdown}}
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
}
