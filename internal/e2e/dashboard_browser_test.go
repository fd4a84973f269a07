package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The dashboard in a real browser: Debian's Chromium, headless, driven
// over the DevTools protocol. .ci/run installs Chromium and sets
// GOLIVE_TEST_BROWSER=required; elsewhere the test skips without one.

func TestDashboardInBrowser(t *testing.T) {
	t.Parallel()
	ctx := newChrome(t, 1280, 900)
	h := dashHarness(t, "")
	base := h.nodes[0].url
	out := artifacts(t)
	axe := axeSource(t)

	shot := func(name string) { t.Helper(); savePNG(t, ctx, out, name, false) }
	// The pages poll their live part and replace it when it changes, so
	// the test never holds a node across steps: it names elements by
	// selector and resolves them in the page at the moment it reads or
	// clicks (see text and click). A node ID that the page has replaced
	// meanwhile is what gave "Could not find node with given id".
	text := func(sel string) string { t.Helper(); return innerText(t, ctx, sel) }
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
	do("open the home page", chromedp.Navigate(base+"/"), present(`a.button`))
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
		present(`.cards`),
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
		present(`#items-h`),
	)
	if s := text("#signoffs-h + div"); !strings.Contains(s, "Security Review") || !strings.Contains(s, "Missing") {
		t.Errorf("sign-offs before the approval:\n%s", s)
	}
	shot("2-release")
	checkA11y(t, ctx, axe, "release")

	// One clock: the page reads UTC; hovering a time shows the local one.
	if title := evalJS[string](t, ctx, `document.querySelector("main time[datetime]").title`); !strings.HasPrefix(title, "Your time: ") {
		t.Errorf("a time's title is %q, want the reader's local time", title)
	}
	// Sections fold, blockers first: a person folds an open one, and it
	// stays folded through the live update below.
	folded := evalJS[string](t, ctx, `document.querySelector("details.section[open]").id`)
	do("fold a section", click("#"+folded+" > summary"))
	evalJS[bool](t, ctx, `(document.activeElement.blur(), true)`)
	if evalJS[bool](t, ctx, fmt.Sprintf(`document.getElementById(%s).open`, jsString(folded))) {
		t.Fatalf("clicking the summary of %s did not fold it", folded)
	}

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
	if announced := evalJS[string](t, ctx, `document.getElementById("live-status").textContent`); !regexp.MustCompile(`^Updated at \d\d:\d\d:\d\d UTC\.$`).MatchString(announced) {
		t.Errorf("the live region says %q, want an update announced in UTC", announced)
	}
	if evalJS[bool](t, ctx, fmt.Sprintf(`document.getElementById(%s).open`, jsString(folded))) {
		t.Errorf("the live update opened %s again, which the reader had folded", folded)
	}
	if !evalJS[bool](t, ctx, `document.querySelector("main time[datetime]").title.startsWith("Your time: ") && [...document.querySelectorAll("[data-live] time[datetime]")].every(e => e.title.startsWith("Your time: "))`) {
		t.Error("after the live update, times lack the local time on hover")
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
		present(`.cards`),
	)
	if evalJS[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Error("the list scrolls sideways on a 390px-wide phone")
	}
	shot("5-list-phone")
	do("open the release on a phone", chromedp.Navigate(base+"/releases/Codertocat/Hello-World/2"), present(`#items-h`))
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
