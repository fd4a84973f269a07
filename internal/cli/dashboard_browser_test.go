package cli

import (
	"compress/gzip"
	"context"
	"encoding/json"
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
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute) // a bound for a hung browser, not a speed check
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
	// The pages poll their live part and replace it when it changes, so
	// the test never holds a node across steps: it names elements by
	// selector and resolves them in the page at the moment it reads or
	// clicks (see text and click). A node ID that the page has replaced
	// meanwhile is what gave "Could not find node with given id".
	text := func(sel string) string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
			t.Fatalf("wait for %s: %v", sel, err)
		}
		s := evalJS[*string](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.innerText : null })()`, jsString(sel)))
		if s == nil {
			t.Fatalf("%s left the page as it was read", sel)
		}
		return *s
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// caughtUp waits until the page has answered three more of its own
	// polls: the last of them was sent after the call, and its answer has
	// been handled (the next poll is only scheduled once it has). From then
	// on, what the page shows or holds back is what the server had when
	// caughtUp was called. The polls are counted in the page's Resource
	// Timing entries; nothing in the page is there for the test.
	caughtUp := func(what string) {
		t.Helper()
		const polls = `(performance.setResourceTimingBufferSize(100000), performance.getEntriesByType("resource").filter(e => e.initiatorType === "fetch" && e.name === location.href).length)`
		n := evalJS[int](t, ctx, polls)
		wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
		defer wcancel()
		if _, err := chromedp.Run(wctx, chromedp.Poll[bool](fmt.Sprintf("%s >= %d", polls, n+3), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			t.Fatalf("%s: the page did not poll for its live part: %v", what, err)
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
		click(`a.button`),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "sam"),
		click(`#authorize`),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)),
	)

	// 2. The list: the readable release, not the private one.
	list := text("main")
	if !strings.Contains(list, "Codertocat/Hello-World#2") || !strings.Contains(list, "Waiting on you") || strings.Contains(list, "Nightingale") {
		t.Errorf("the list reads:\n%s", list)
	}
	// An unchanged list is left alone: its polls answer "no change" and
	// the cards stay the same nodes, with nothing announced. (The check
	// only counts when the cards read the same after the polls: a
	// legitimate change, such as "just now" becoming "1 minute ago",
	// replaces them.)
	evalJS[bool](t, ctx, `(window.__card = document.querySelector(".cards a"), window.__live = document.querySelector("[data-live]").innerHTML, true)`)
	caughtUp("the list")
	if evalJS[bool](t, ctx, `document.querySelector("[data-live]").innerHTML === window.__live && (!window.__card.isConnected || document.getElementById("live-status").textContent !== "")`) {
		t.Error("the list replaced its cards, or announced an update, though nothing changed")
	}
	shot("1-list")
	checkA11y(t, ctx, axe, "list")

	// 3. Open the release by its link.
	do("open the release",
		click(`a[href="/releases/Codertocat/Hello-World/2"]`),
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
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
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
	caughtUp("tina's sign-off")
	if s := evalJS[string](t, ctx, `document.getElementById("live-status").textContent`); !strings.HasPrefix(s, "Newer information is ready") {
		t.Errorf("with focus inside, the live region says %q, want the update announced as waiting", s)
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
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, click(`form[action$="/refresh"] button`))); err != nil {
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
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, click(`form[action="/logout"] button`))); err != nil {
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

// click clicks the element that sel names as the page is at that moment:
// it waits until one is visible, then finds it again, scrolls it into view
// and reads the centre of its first box in one evaluation, and clicks there
// with the mouse.
// No node ID is kept between the steps, so a live refresh that replaces
// the element in between cannot break the click; the browser hit-tests the
// click where the element is, as it does for a person. If something else
// covers that point, the click lands on it and the step after fails.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitVisible(chromedp.CSS(sel))(ctx, t); err != nil {
			return fmt.Errorf("wait for %s: %w", sel, err)
		}
		type point struct{ X, Y float64 }
		at, err := chromedp.Evaluate[*point](fmt.Sprintf(`(() => {
			const e = document.querySelector(%s);
			if (!e) return null;
			e.scrollIntoView({block: "center", inline: "center"});
			const r = e.getClientRects()[0]; // a link that wraps has a box per line
			return r ? {X: r.left + r.width / 2, Y: r.top + r.height / 2} : null;
		})()`, jsString(sel)))(ctx, t)
		if err != nil {
			return fmt.Errorf("find %s: %w", sel, err)
		}
		if at == nil {
			return fmt.Errorf("%s has no box on the page at the click", sel)
		}
		_, err = chromedp.MouseClickXY(at.X, at.Y)(ctx, t)
		return err
	})
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
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
