package cli

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The dashboard in a real browser: Debian's Chromium, headless, driven
// over the DevTools protocol. .ci/run installs Chromium and sets
// GOLIVE_TEST_BROWSER=required; elsewhere the test skips without one.

func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("GOLIVE_TEST_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("GOLIVE_TEST_BROWSER") == "required" {
		t.Fatal("GOLIVE_TEST_BROWSER=required but no Chromium: apt-get install chromium")
	}
	t.Skip("no Chromium at /usr/bin/chromium (set GOLIVE_TEST_CHROMIUM); .ci/run installs it")
	return ""
}

// artifacts is where screenshots go: GOLIVE_TEST_ARTIFACTS, or a folder
// under the system's temp dir that outlives the test.
func artifacts(t *testing.T) string {
	dir := os.Getenv("GOLIVE_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "golive-browser-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// axeSource is axe-core, from testdata (see its SOURCE.md).
func axeSource(t *testing.T) string {
	f, err := os.Open(filepath.Join("..", "..", "testdata", "axe-core", "axe.min.js.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  int      `json:"nodes"`
	Target []string `json:"target"`
}

// checkA11y runs axe-core's WCAG 2.x A and AA rules on the current page
// and fails on a serious or critical violation. DevTools evaluation is not
// subject to the page's CSP, so the page itself needs no exception.
func checkA11y(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
		t.Fatalf("load axe-core on %s: %v", page, err)
	}
	script := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.length, target: v.nodes[0].target.map(String)})))`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run on %s: %v", page, err)
	}
	for _, v := range vs {
		msg := fmt.Sprintf("%s: axe %s (%s): %s, %d node(s), first %v", page, v.ID, v.Impact, v.Help, v.Nodes, v.Target)
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

func TestDashboardInBrowser(t *testing.T) {
	exe := chromium(t)
	h := dashHarness(t, "")
	base := h.nodes[0].url
	out := artifacts(t)
	axe := axeSource(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()

	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()) // the viewport, as PNG
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(out, name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// 1. Sign in through the fake GitHub's OAuth pages.
	do("open the home page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`a.button`)))
	checkA11y(t, ctx, axe, "home")
	// The first Tab reaches the skip link: keyboard users get past the nav.
	do("press Tab", chromedp.KeyEvent("\t"))
	if focused := evalJS[string](t, ctx, `document.activeElement.textContent`); focused != "Skip to content" {
		t.Errorf("the first Tab focuses %q, want the skip link", focused)
	}
	do("sign in",
		chromedp.Click(chromedp.CSS(`a.button`)),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "sam"),
		chromedp.Click(chromedp.ID("authorize")),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)),
	)

	// 2. The list: the readable release, not the private one.
	list := text("main")
	if !strings.Contains(list, "Codertocat/Hello-World#2") || !strings.Contains(list, "Waiting on you") || strings.Contains(list, "Nightingale") {
		t.Errorf("the list reads:\n%s", list)
	}
	shot("1-list")
	checkA11y(t, ctx, axe, "list")

	// 3. Open the release by its link.
	do("open the release",
		chromedp.Click(chromedp.CSS(`a[href="/releases/Codertocat/Hello-World/2"]`)),
		chromedp.WaitVisible(chromedp.ID("items-h")),
	)
	if s := text("#signoffs-h + div"); !strings.Contains(s, "Security Review") || !strings.Contains(s, "Missing") {
		t.Errorf("sign-offs before the approval:\n%s", s)
	}
	shot("2-release")
	checkA11y(t, ctx, axe, "release")

	// 4. A sign-off appears without a reload: the page polls its live part.
	evalJS[bool](t, ctx, `window.__sameDocument = true`)
	h.send("issue_comment", h.comment(t, "sam", "LGTM from security.\n/approve security", true))
	h.settle()
	wctx, wcancel := context.WithTimeout(ctx, 15*time.Second)
	_, err := chromedp.Run(wctx, chromedp.Poll[bool](`document.querySelector("#signoffs-h + div").textContent.includes("Signed by sam")`, chromedp.WithPollingInterval(100*time.Millisecond)))
	wcancel()
	if err != nil {
		t.Fatalf("sam's sign-off did not appear on the open page: %v", err)
	}
	if !evalJS[bool](t, ctx, `window.__sameDocument === true`) {
		t.Error("the page reloaded to show the sign-off; it should update in place")
	}
	if announced := evalJS[string](t, ctx, `document.getElementById("live-status").textContent`); !strings.HasPrefix(announced, "Updated at") {
		t.Errorf("the live region says %q, want an update announced", announced)
	}
	shot("3-release-after-approve")

	// Keyboard focus inside the changing part holds an update back, so a
	// keyboard user's place is kept; it shows when focus leaves.
	evalJS[bool](t, ctx, `(() => { const r = document.querySelector("[data-live] .scroll"); r.focus(); return document.activeElement === r })()`)
	h.send("issue_comment", h.comment(t, "tina", "/approve tech-lead", true))
	h.settle()
	wctx, wcancel = context.WithTimeout(ctx, 15*time.Second)
	_, err = chromedp.Run(wctx, chromedp.Poll[bool](`document.getElementById("live-status").textContent.startsWith("Newer information is ready")`, chromedp.WithPollingInterval(100*time.Millisecond)))
	wcancel()
	if err != nil {
		t.Fatalf("an update while focus was inside did not wait: %v", err)
	}
	if evalJS[bool](t, ctx, `document.querySelector("#signoffs-h + div").textContent.includes("Signed by tina")`) {
		t.Error("the content changed under the keyboard focus")
	}
	evalJS[bool](t, ctx, `(document.querySelector("form[action$='/refresh'] button").focus(), true)`)
	if !evalJS[bool](t, ctx, `document.querySelector("#signoffs-h + div").textContent.includes("Signed by tina")`) {
		t.Error("the waiting update did not show when focus left")
	}

	// 6. A POST without the CSRF token fails, though the browser sends the
	// session cookie and it is same-origin.
	if status := evalJS[int](t, ctx, `fetch("/releases/Codertocat/Hello-World/2/refresh", {method: "POST", body: new URLSearchParams(), credentials: "same-origin", redirect: "manual"}).then(r => r.status)`); status != 403 {
		t.Errorf("POST without a CSRF token: %d, want 403", status)
	}
	// With the page's own form it works.
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(`form[action$="/refresh"] button`)))); err != nil {
		t.Fatal(err)
	}
	if loc := evalJS[string](t, ctx, `location.search`); loc != "?refreshed=1" {
		t.Errorf("after the refresh form the page is at %q", loc)
	}

	// 5. A repository sam cannot read: 403, and nothing of it in the page.
	if status := evalJS[int](t, ctx, `fetch("/releases/acme/secret/7").then(r => r.status)`); status != 403 {
		t.Errorf("the private release answered %d, want 403", status)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/releases/acme/secret/7"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 403 {
		t.Errorf("navigating to the private release: %d, want 403", resp.Status)
	}
	html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`html`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, "403") || strings.Contains(html, "Nightingale") || strings.Contains(html, "carol") {
		t.Errorf("the denied page:\n%s", html)
	}
	shot("4-denied")
	checkA11y(t, ctx, axe, "denied")

	// On a phone: the list fits the screen's width.
	do("open the list on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(base+"/releases"),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)),
	)
	if evalJS[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Error("the list scrolls sideways on a 390px-wide phone")
	}
	shot("5-list-phone")
	do("open the release on a phone", chromedp.Navigate(base+"/releases/Codertocat/Hello-World/2"), chromedp.WaitVisible(chromedp.ID("items-h")))
	if evalJS[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Error("the release page scrolls sideways on a 390px-wide phone (tables should scroll in their own box)")
	}
	shot("6-release-phone")
	checkA11y(t, ctx, axe, "release on a phone")

	// Sign out with the header's button.
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))); err != nil {
		t.Fatal(err)
	}
	if s := text("h1"); s != "You are signed out" {
		t.Errorf("after signing out the page says %q", s)
	}
	resp, err = chromedp.RunResponse(ctx, chromedp.Navigate(base+"/releases/Codertocat/Hello-World/2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if body := evalJS[string](t, ctx, `document.body.innerText`); resp.Status != 401 || strings.Contains(body, "Release 1.0") {
		t.Errorf("the export after signing out: %d %.200s", resp.Status, body)
	}
}

// evalJS evaluates an expression in the page, awaiting a promise.
func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %q: %v", js, err)
	}
	return v
}
