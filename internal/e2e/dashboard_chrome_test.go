package e2e

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests' tools: Chromium, axe-core, and actions that hold no
// DevTools node between steps. The dashboard's pages replace their live
// part when it changes, so a node ID kept from one step to the next can
// name a node that is gone ("Could not find node with given id", the
// flake of #19): every wait and read here names elements by selector and
// resolves them in the page, in one evaluation, at the moment it acts.

// newChrome starts headless Chromium at the given window size; the
// returned context is bounded, a guard for a hung browser, not a speed
// check.
func newChrome(t *testing.T, width, height int) context.Context {
	t.Helper()
	exe := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	// A script error on any page fails the test: app.js dying silently
	// leaves a page that looks right and never updates.
	var mu sync.Mutex
	var thrown []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			mu.Lock()
			thrown = append(thrown, msg)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range thrown {
			t.Errorf("a page threw: %s", m)
		}
	})
	return ctx
}

// visibleJS is a JavaScript expression: the first element sel names, if
// it is in the page and has a box.
func visibleJS(sel string) string {
	return fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && e.getClientRects().length > 0 })()`, jsString(sel))
}

// until polls the page every 50 ms until the expression is true. A poll
// that fails because the page is navigating ("Inspected target navigated
// or closed", "Cannot find context with specified id") is asked again, in
// the page that loads. It gives up after 30 seconds, with the last error.
func until(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(30 * time.Second)
		for {
			ok, err := chromedp.Evaluate[bool](expr)(ctx, t)
			if err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("not true within 30s (last error %v): %s", err, expr)
			}
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// present waits until an element sel names is visible.
func present(sel string) chromedp.Action[chromedp.Void] { return until(visibleJS(sel)) }

// waitJS waits until the expression is true in the page.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if err := chromedp.Do(ctx, until(expr)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// innerText reads the text of the first element sel names, once visible.
func innerText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	if err := chromedp.Do(ctx, present(sel)); err != nil {
		t.Fatalf("wait for %s: %v", sel, err)
	}
	s := evalJS[*string](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.innerText : null })()`, jsString(sel)))
	if s == nil {
		t.Fatalf("%s left the page as it was read", sel)
	}
	return *s
}

// savePNG writes a screenshot of the viewport (or the whole page) to dir.
func savePNG(t *testing.T, ctx context.Context, dir, name string, full bool) {
	t.Helper()
	shot := chromedp.CaptureScreenshot()
	if full {
		shot = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

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

// click clicks the element that sel names as the page is at that moment:
// it waits until one is visible (present), then finds it again, scrolls it into view
// and reads the centre of its first box in one evaluation, and clicks there
// with the mouse.
// No node ID is kept between the steps, so a live refresh that replaces
// the element in between cannot break the click; the browser hit-tests the
// click where the element is, as it does for a person. If something else
// covers that point, the click lands on it and the step after fails.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := present(sel)(ctx, t); err != nil {
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
