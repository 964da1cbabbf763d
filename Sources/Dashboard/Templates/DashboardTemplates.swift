/// The dashboard's Mustache templates, compiled into the binary (no resource folder to ship
/// beside a static executable). `{{x}}` escapes HTML; no template uses `{{{x}}}` for data.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "pipelines": pipelines, "runs": runs, "run": run, "message": message,
        "experiments": experiments, "experiment": experiment, "trackingRun": trackingRun, "deviceVerify": deviceVerify, "devices": devices,
        "artifacts": artifacts, "artifactVersions": artifactVersions, "artifactVersion": artifactVersion, "models": models, "model": model,
        "system": system, "accounts": accounts, "audit": audit, "stacks": stacks, "secrets": secrets, "secret": secret,
        "compare": compare, "account": account, "traces": traces, "trace": trace, "agents": agents,
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
