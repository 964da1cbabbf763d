/// The dashboard's templates for stacks, secrets, devices and the admin pages.
extension DashboardTemplates {
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
        \(openPager)
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

    static let agents = """
        {{<layout}}
        {{$title}}Agents{{/title}}
        {{$content}}
        <h1>Agents</h1>
        \(adminNav)
        <table class="list" id="agents">
        <thead><tr><th>Name</th><th>State</th><th>Version</th><th>Host</th><th>Runs</th><th>Last heartbeat</th><th></th></tr></thead>
        <tbody>
        {{#items}}<tr><td>{{name}}</td><td><span class="status {{state}}">{{state}}</span></td><td>{{version}}</td><td>{{hostname}}</td>
        <td>{{running}} of {{capacity}}</td><td>{{lastHeartbeat}}</td>
        <td>{{^revoked}}<form method="post" action="/admin/agents/{{id}}/revoke"><input type="hidden" name="csrf" value="{{user.csrf}}"><button type="submit">Revoke</button></form>{{/revoked}}</td></tr>
        {{/items}}
        {{^items}}<tr><td colspan="7" class="empty">No agent has registered. Run <code>enclave agent --server URL --key-file FILE</code> in the compute zone.</td></tr>{{/items}}
        </tbody>
        </table>
        {{/content}}
        {{/layout}}
        """

    static let adminNav = """
        <nav class="filters"><a href="/admin">System</a> <a href="/admin/accounts">Accounts</a> <a href="/admin/audit">Secret audit log</a> <a href="/admin/agents">Agents</a></nav>
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
        \(openPager)
        <h2>New account</h2>
        {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}
        <form method="post" action="/admin/accounts" class="inline" id="account-form"><input type="hidden" name="csrf" value="{{user.csrf}}">
        <label>Name <input name="name" required maxlength="255"></label>
        <label>Kind <select name="kind"><option value="person">person</option><option value="service">service account</option></select></label>
        <label>Role <select name="role">{{#roles}}<option value="{{value}}"{{#on}} selected{{/on}}>{{value}}</option>{{/roles}}</select></label>
        <label>Password (people only) <input name="password" type="password" autocomplete="new-password"></label>
        <button type="submit">Create account</button></form>
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
        <div class="active-state">Active: {{active}}{{^isSelf}} <form method="post" class="inline" id="active-form"><input type="hidden" name="csrf" value="{{user.csrf}}">
        {{#isActive}}<input type="hidden" name="action" value="deactivate"><button type="submit">Deactivate</button>{{/isActive}}
        {{^isActive}}<input type="hidden" name="action" value="activate"><button type="submit">Activate</button>{{/isActive}}</form>{{/isSelf}}</div>
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
}
