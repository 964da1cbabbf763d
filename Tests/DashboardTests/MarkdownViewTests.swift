import Foundation
import Mustache
import Testing
@testable import ControlPlane
@testable import Dashboard

/// Markdown visualizations through the dashboard's own template: the structure a report
/// writer expects, and hostile text that stays text.
@Suite struct MarkdownViewTests {
    func html(_ markdown: String) throws -> String {
        let template = try MustacheTemplate(string: DashboardTemplates.markdown)
        return template.render(["blocks": MarkdownView.blocks(markdown)])
    }

    @Test func blocksAndSpansBecomeTheirElements() throws {
        let page = try html("""
            # Churn *report*
            Rates went **up** by `3%`, see [the notes](https://intra.example/notes).
            continued line

            - one
            - two
              more of two
            1. first
            > quoted
            ---
            ```
            let x = 1 < 2
            ```
            snake_case_name and a \\*literal\\* star
            """)
        #expect(page.contains("<h3>Churn <em>report</em></h3>"))
        #expect(page.contains("<p>Rates went <strong>up</strong> by <code>3%</code>, see <a href=\"https://intra.example/notes\" rel=\"noopener noreferrer\">the notes</a>. continued line</p>"))
        #expect(page.contains("<ul><li>one</li><li>two more of two</li></ul><ol><li>first</li></ol>"))
        #expect(page.contains("<blockquote>quoted</blockquote><hr>"))
        #expect(page.contains("<pre class=\"markdown-code\">let x = 1 &lt; 2</pre>"))
        #expect(page.contains("<p>snake_case_name and a *literal* star</p>"))
    }

    @Test func hostileMarkdownStaysText() throws {
        let page = try html("""
            <script>window.__xss=1</script> <img src=x onerror=alert(1)>
            [run me](javascript:alert(1)) [data](data:text/html,<b>x</b>) ![pic](http://elsewhere/x.png)
            [quote](https://a.example/"onmouseover="alert(1))
            # <b>bold?</b>
            """)
        #expect(!page.contains("<script") && !page.contains("<img") && !page.contains("<b>"))
        #expect(page.contains("&lt;script&gt;"))
        #expect(!page.contains("javascript:") && !page.contains("onerror=alert(1)>"))
        #expect(!page.contains("href=\"data:") && !page.contains("elsewhere"))
        #expect(page.contains("run me") && page.contains("pic"))
        #expect(page.contains("href=\"https://a.example/&quot;onmouseover=&quot;alert(1\""))
    }

    @Test func unclosedMarkersOnALongLineEndQuickly() throws {
        let hostile = String(repeating: "*a [b](c `d _e **f ", count: 20_000)
        let started = Date()
        let blocks = MarkdownView.blocks(hostile)
        #expect(blocks.count == 1)
        #expect(Date().timeIntervalSince(started) < 10)
        // Over the size limit, Markdown is shown as plain text, not parsed.
        let large = VisualizationView.context(LoadedVisualization(type: "markdown", bytes: Array(repeating: UInt8(ascii: "*"), count: MarkdownView.maxBytes + 1)))
        #expect(large["markdown"] == nil && (large["text"] as? String)?.count == MarkdownView.maxBytes + 1)
    }
}
