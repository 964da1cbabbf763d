/// The dashboard's templates for mLflow experiments, runs, comparisons and traces.
extension DashboardTemplates {
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
}
