package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// TestScenarioDemoFlowInBrowser clicks through what `golive demo
// --dashboard` offers a person, in Chromium: sign in on the fake GitHub,
// the release list, the release, its sign-offs, the exports. With
// GOLIVE_SCREENSHOTS=DIR it saves PNGs of the list, the release and the
// demo's final tracking issue rendered as GitHub Flavored Markdown (what
// docs/screenshots/ holds).
func TestScenarioDemoFlowInBrowser(t *testing.T) {
	long(t)
	ctx := newChrome(t, 1440, 1000)
	shots := os.Getenv("GOLIVE_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	shot := func(name string, full bool) {
		t.Helper()
		if shots != "" {
			savePNG(t, ctx, shots, name, full)
		}
	}

	dd := startDemoDashboard(t, 3*time.Minute, "demo", "--dashboard", "--full")
	base := dd.base
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Sign in as the demo's admin on the fake GitHub's own page.
	do("sign in",
		chromedp.Navigate(base+"/"),
		click(`a.button`),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "adam"),
		click(`#authorize`),
		present(`.cards`),
	)
	if list := innerText(t, ctx, "main"); !strings.Contains(list, "shop#42") || !strings.Contains(list, "Release 2.4.0") {
		t.Fatalf("the list reads:\n%s", list)
	}
	shot("dashboard-list", false)

	// The release: the merge receipt's decision beside now.
	do("open the release", click(`a[href="/releases/acme/shop/42"]`), present(`#items-h`))
	decided := innerText(t, ctx, `section[aria-labelledby="decided-h"]`)
	for _, want := range []string{"As decided at merge, and now", "Ready", "verified with golive's public key"} {
		if !strings.Contains(decided, want) {
			t.Errorf("the decision part lacks %q:\n%s", want, decided)
		}
	}
	shot("dashboard-release", false)

	// The sign-off view: the page's own link, then the five sign-offs.
	do("jump to the sign-offs", click(`nav.jump a[href="#signoffs-h"]`))
	waitJS(t, ctx, "the sign-offs link", `location.hash === "#signoffs-h"`)
	// After the merge no phase asks for a sign-off; the ledger keeps the
	// five given before it, all active.
	ledger := innerText(t, ctx, "#ledger-h + div")
	for _, who := range []string{"tina", "sam", "bob", "olga", "rita"} {
		if !strings.Contains(ledger, who) {
			t.Errorf("the ledger lacks %s's sign-off:\n%s", who, ledger)
		}
	}
	if n := strings.Count(ledger, "Active"); n != 5 {
		t.Errorf("%d active sign-offs in the ledger, want 5:\n%s", n, ledger)
	}
	shot("dashboard-signoffs", false)

	// The exports: Markdown read as the page would fetch it, JSON opened.
	md := evalJS[string](t, ctx, `fetch(document.querySelector('a[href$=".md"]').href).then(r => r.text())`)
	if !strings.HasPrefix(md, "# Release record: acme/shop#42") || !strings.Contains(md, "## Sign-offs") {
		t.Errorf("the Markdown export starts:\n%.300s", md)
	}
	do("open the JSON export", click(`a[href$=".json"]`))
	waitJS(t, ctx, "the JSON export", `document.body && document.body.innerText.includes('"repo": "acme/shop"')`)

	// The demo's final tracking issue as GitHub renders it.
	body := finalIssue(t, dd.out.String())
	page := gfmPage(t, body)
	if strings.Contains(page, "- [x]") || !strings.Contains(page, `<input checked="" disabled="" type="checkbox"`) {
		t.Errorf("the final issue does not render as GFM task lists")
	}
	file := filepath.Join(t.TempDir(), "issue.html")
	if err := os.WriteFile(file, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	do("open the rendered issue", chromedp.Navigate("file://"+file), present(`h1, h2, h3`))
	shot("issue-gfm", true)
}

// finalIssue is the tracking issue `demo --full` printed.
func finalIssue(t *testing.T, out string) string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "----- tracking issue #")
	if !ok {
		t.Fatalf("the demo printed no tracking issue:\n%s", out)
	}
	_, rest, _ = strings.Cut(rest, "-----\n")
	body, _, ok := strings.Cut(rest, "\nThe dashboard: ")
	if !ok {
		t.Fatal("the tracking issue is not followed by the dashboard's URL")
	}
	return strings.TrimSpace(body)
}

// gfmPage renders Markdown as GitHub Flavored Markdown (goldmark's GFM
// extension: tables, task lists, strikethrough, autolinks), keeping the
// raw HTML GitHub allows in issues (<details>, comments), in a page
// styled like GitHub's issue view.
func gfmPage(t *testing.T, md string) string {
	t.Helper()
	var b bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gm.Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`<!doctype html><html><head><meta charset="utf-8"><title>Tracking issue</title><style>
body { font: 14px/1.5 -apple-system, "Segoe UI", system-ui, sans-serif; color: #1f2328; max-width: 900px; margin: 24px auto; padding: 0 16px; }
h1, h2, h3 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; } code { background: #eff1f3; padding: .1em .3em; border-radius: 4px; font-size: 85%%; }
table { border-collapse: collapse; } th, td { border: 1px solid #d1d9e0; padding: 4px 10px; } ul { padding-left: 2em; } li { margin: .2em 0; }
details { border: 1px solid #d1d9e0; border-radius: 6px; padding: 4px 10px; margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
input[type=checkbox] { margin-right: .4em; } li:has(> input[type=checkbox]) { list-style: none; margin-left: -1.4em; }
</style></head><body>%s</body></html>`, b.String())
}

// TestReadmeScreenshots: every screenshot the README links is in
// docs/screenshots as a PNG, and every PNG there is linked.
func TestReadmeScreenshots(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, m := range regexp.MustCompile(`\]\((docs/screenshots/[^)]+)\)`).FindAllStringSubmatch(string(readme), -1) {
		linked[m[1]] = true
		b, err := os.ReadFile(filepath.Join("..", "..", m[1]))
		if err != nil {
			t.Errorf("the README links %s: %v", m[1], err)
			continue
		}
		if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("%s is not a PNG", m[1])
		}
	}
	files, err := filepath.Glob("../../docs/screenshots/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("docs/screenshots holds nothing")
	}
	for _, f := range files {
		if rel := "docs/screenshots/" + filepath.Base(f); !linked[rel] {
			t.Errorf("%s is not linked from the README", rel)
		}
	}
}
