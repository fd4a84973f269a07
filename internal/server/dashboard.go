package server

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/release"
)

// Dashboard is what the dashboard pages need. It reads releases, signs
// people in with GitHub, and shows a release only to someone GitHub says
// can read its repository, asked with their own token on every page.
type Dashboard struct {
	Releases Releases
	Accounts Accounts
	Marks    Marks
	Sealer   *Sealer
	// PublicURL is where people reach golive (https://golive.example.com):
	// the OAuth callback is built from it, and cookies are Secure when it
	// is https. Empty: taken from each request (development only).
	PublicURL string
	// Lifetime bounds a session (default 8h, GitHub's user token life).
	Lifetime time.Duration
	// Poll is how often an open page asks for changes (default 10s).
	Poll time.Duration
	Now  func() time.Time
	Log  *slog.Logger
	// Receipts, when set, gives a release's signed decision receipts and
	// ReceiptKey verifies them: the release page then shows the merge
	// receipt's decision beside now (dashboard_receipt.go).
	Receipts   ReceiptChains
	ReceiptKey ed25519.PublicKey
}

// Releases is the worker's read side, and the one action a page may ask.
type Releases interface {
	Open(ctx context.Context) ([]release.Key, error)
	// Overview is a release's record, and the roles whose missing sign-off
	// viewer could give now (none asked for an empty viewer).
	Overview(ctx context.Context, k release.Key, viewer string) (*overview.Release, []string, error)
	Refresh(ctx context.Context, k release.Key, by string) error
}

// Accounts signs people in with GitHub and asks, as them, what they read.
type Accounts interface {
	AuthorizeURL(state, redirectURI string) string
	Exchange(ctx context.Context, code, redirectURI string) (token string, expires time.Duration, err error)
	User(ctx context.Context, token string) (login string, id int64, err error)
	CanRead(ctx context.Context, token, owner, repo string) (bool, error)
}

// ErrSignedOut means GitHub no longer accepts the person's token.
var ErrSignedOut = errors.New("GitHub no longer accepts this sign-in")

// Marks are the few facts the dashboard keeps in Redis: used OAuth
// states, revoked sessions, and short-lived answers to "can read".
type Marks interface {
	Lease(ctx context.Context, name string, ttl time.Duration) (bool, error)
	CacheGet(ctx context.Context, key string) ([]byte, bool, error)
	CacheSet(ctx context.Context, key string, val []byte, ttl time.Duration) error
}

const (
	loginStateTTL = 10 * time.Minute
	// readTTL is how long GitHub's "can read" answer is trusted: a person
	// removed from a repository loses its pages within a minute.
	readTTL = time.Minute
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

type dash struct {
	Dashboard
	pages  map[string]*template.Template
	secure bool
	cookie string
	cop    *http.CrossOriginProtection
	assets http.Handler
}

func newDash(d Dashboard) (*dash, error) {
	if d.Lifetime <= 0 {
		d.Lifetime = 8 * time.Hour
	}
	if d.Poll <= 0 {
		d.Poll = 10 * time.Second
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	d.PublicURL = strings.TrimSuffix(d.PublicURL, "/")
	x := &dash{Dashboard: d, pages: map[string]*template.Template{}, cop: http.NewCrossOriginProtection()}
	x.secure = strings.HasPrefix(d.PublicURL, "https://")
	// The __Host- prefix makes the browser refuse the cookie unless it is
	// Secure, host-only and for path /: no subdomain can plant one.
	x.cookie = "golive_session"
	if x.secure {
		x.cookie = "__Host-golive_session"
	}
	funcs := template.FuncMap{
		// One clock: moments read in UTC (or relative to now), with the
		// reader's local time on hover (timeElement, app.js).
		"ago":   func(t time.Time) template.HTML { return timeElement(t, overview.Ago(t, d.Now())) },
		"ts":    func(t time.Time) template.HTML { return timeElement(t, overview.UTC(t)) },
		"code":  inlineCode,
		"short": overview.Short,
		"label": overview.StateLabel,
		"join":  strings.Join,
		"ms":    func(d time.Duration) string { return d.Round(time.Millisecond).String() },
		"f1":    func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
		"safeURL": func(s string) string {
			// Only links to http(s) pages; anything else becomes nothing.
			if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
				return s
			}
			return ""
		},
	}
	for _, page := range []string{"home", "list", "release", "error"} {
		t, err := template.New(page).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("dashboard template %s: %w", page, err)
		}
		x.pages[page] = t
	}
	sub, _ := fs.Sub(assetFS, "assets")
	x.assets = http.StripPrefix("/assets/", http.FileServer(http.FS(sub)))
	return x, nil
}

// routes adds the dashboard's routes.
func (x *dash) routes(r *gin.Engine) {
	g := r.Group("/", x.headers)
	g.GET("/", x.home)
	g.GET("/assets/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		x.assets.ServeHTTP(c.Writer, c.Request)
	})
	g.GET("/login", x.login)
	g.GET("/auth/callback", x.callback)
	g.POST("/logout", x.sameOrigin, x.session(false), x.csrf, x.logout)
	g.GET("/releases", x.session(true), x.list)
	g.GET("/releases/:owner/:repo/:pr", x.session(true), x.release)
	g.POST("/releases/:owner/:repo/:pr/refresh", x.sameOrigin, x.session(false), x.csrf, x.refresh)
}

// headers sets the security headers of every dashboard response.
func (x *dash) headers(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	// Links out (to GitHub) carry no referrer: release URLs name private
	// repositories.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if x.secure {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	if !strings.HasPrefix(c.Request.URL.Path, "/assets/") {
		h.Set("Cache-Control", "no-store")
	}
	c.Next()
}

// sameOrigin refuses a cross-site state-changing request by the browser's
// own Sec-Fetch-Site or Origin, before the CSRF token is even looked at.
func (x *dash) sameOrigin(c *gin.Context) {
	if err := x.cop.Check(c.Request); err != nil {
		x.fail(c, http.StatusForbidden, "This request came from another site and was refused.")
		return
	}
	c.Next()
}

// csrf checks the form's token against the session's.
func (x *dash) csrf(c *gin.Context) {
	s := c.MustGet("session").(Session)
	got := c.PostForm("csrf")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) != 1 {
		x.fail(c, http.StatusForbidden, "The form was missing its security token, or it had expired. Go back, reload the page and try again.")
		return
	}
	c.Next()
}

// current returns the signed-in session, if any.
func (x *dash) current(c *gin.Context) (Session, bool) {
	raw, err := c.Cookie(x.cookie)
	if err != nil || raw == "" {
		return Session{}, false
	}
	var s Session
	if x.Sealer.Open(purposeSession, raw, &s) != nil || !s.Valid(x.Now()) {
		return Session{}, false
	}
	// Signed out sessions stay refused until they would have expired.
	if _, revoked, err := x.Marks.CacheGet(c.Request.Context(), "session-revoked:"+s.ID); err != nil || revoked {
		return Session{}, false
	}
	return s, true
}

// session requires a signed-in person. Pages send others to sign in;
// exports and forms answer 401.
func (x *dash) session(page bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		s, ok := x.current(c)
		if !ok {
			if page && c.Request.Method == http.MethodGet && !wantsData(c) {
				c.Redirect(http.StatusSeeOther, "/login?"+url.Values{"next": {c.Request.URL.RequestURI()}}.Encode())
				c.Abort()
				return
			}
			x.fail(c, http.StatusUnauthorized, "Sign in to see releases.")
			return
		}
		c.Set("session", s)
		c.Next()
	}
}

func (x *dash) home(c *gin.Context) {
	if _, ok := x.current(c); ok {
		c.Redirect(http.StatusSeeOther, "/releases")
		return
	}
	x.render(c, http.StatusOK, "home", gin.H{"Title": "golive"})
}

// callbackURL is the OAuth redirect_uri.
func (x *dash) callbackURL(c *gin.Context) string {
	base := x.PublicURL
	if base == "" {
		scheme := "http"
		if c.Request.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + c.Request.Host
	}
	return base + "/auth/callback"
}

// safeNext keeps a post-sign-in destination on this site; see localPath.
func safeNext(next string) string {
	if p, ok := localPath(next); ok {
		return p
	}
	return "/releases"
}

func (x *dash) login(c *gin.Context) {
	st := loginState{Nonce: randomID(), Next: safeNext(c.Query("next")), Expires: x.Now().Add(loginStateTTL)}
	sealed, err := x.Sealer.Seal(purposeState, st)
	if err != nil {
		x.fail(c, http.StatusInternalServerError, "Could not start signing in.")
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: "golive_state", Value: sealed, Path: "/auth/callback", MaxAge: int(loginStateTTL / time.Second),
		HttpOnly: true, Secure: x.secure, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusFound, x.Accounts.AuthorizeURL(st.Nonce, x.callbackURL(c)))
}

func (x *dash) callback(c *gin.Context) {
	ctx := c.Request.Context()
	http.SetCookie(c.Writer, &http.Cookie{Name: "golive_state", Path: "/auth/callback", MaxAge: -1, HttpOnly: true, Secure: x.secure, SameSite: http.SameSiteLaxMode})
	if e := c.Query("error"); e != "" {
		x.fail(c, http.StatusForbidden, "GitHub did not sign you in ("+e+").")
		return
	}
	raw, _ := c.Cookie("golive_state")
	var st loginState
	if raw == "" || x.Sealer.Open(purposeState, raw, &st) != nil {
		x.fail(c, http.StatusBadRequest, "This sign-in did not start here, or its cookie was lost. Start again.")
		return
	}
	got := c.Query("state")
	if !x.Now().Before(st.Expires) || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.Nonce)) != 1 {
		x.fail(c, http.StatusBadRequest, "This sign-in expired or does not match. Start again.")
		return
	}
	// A state works once: a replayed callback (the same code and state
	// sent again) is refused even within its ten minutes.
	first, err := x.Marks.Lease(ctx, "oauth-state:"+st.Nonce, loginStateTTL)
	if err != nil {
		x.fail(c, http.StatusServiceUnavailable, "Signing in is unavailable right now; try again shortly.")
		return
	}
	if !first {
		x.fail(c, http.StatusBadRequest, "This sign-in was already used. Start again.")
		return
	}
	token, expires, err := x.Accounts.Exchange(ctx, c.Query("code"), x.callbackURL(c))
	if err != nil {
		x.Log.Warn("sign-in: code exchange", "err", err)
		x.fail(c, http.StatusBadGateway, "GitHub did not accept the sign-in. Start again.")
		return
	}
	login, id, err := x.Accounts.User(ctx, token)
	if err != nil {
		x.Log.Warn("sign-in: read user", "err", err)
		x.fail(c, http.StatusBadGateway, "Could not read your GitHub account. Start again.")
		return
	}
	now := x.Now()
	life := x.Lifetime
	if expires > 0 && expires < life {
		life = expires
	}
	s := Session{ID: randomID(), Login: login, UserID: id, Token: token, CSRF: randomID(), Issued: now, Expires: now.Add(life)}
	sealed, err := x.Sealer.Seal(purposeSession, s)
	if err != nil {
		x.fail(c, http.StatusInternalServerError, "Could not sign you in.")
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: x.cookie, Value: sealed, Path: "/", MaxAge: int(life / time.Second),
		HttpOnly: true, Secure: x.secure, SameSite: http.SameSiteLaxMode})
	x.Log.Info("signed in", "login", login)
	c.Redirect(http.StatusSeeOther, st.Next)
}

func (x *dash) logout(c *gin.Context) {
	s := c.MustGet("session").(Session)
	if ttl := s.Expires.Sub(x.Now()); ttl > 0 {
		if err := x.Marks.CacheSet(c.Request.Context(), "session-revoked:"+s.ID, []byte("1"), ttl); err != nil {
			x.fail(c, http.StatusServiceUnavailable, "Could not sign you out; try again.")
			return
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: x.cookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: x.secure, SameSite: http.SameSiteLaxMode})
	x.render(c, http.StatusOK, "home", gin.H{"Title": "Signed out", "SignedOut": true})
}

// canRead asks GitHub, as the person, whether they can read repo; the
// answer is kept a minute per token and repository.
func (x *dash) canRead(ctx context.Context, s Session, owner, repo string) (bool, error) {
	sum := sha256.Sum256([]byte(s.Token))
	key := "can-read:" + hex.EncodeToString(sum[:12]) + ":" + strings.ToLower(owner+"/"+repo)
	if v, ok, err := x.Marks.CacheGet(ctx, key); err == nil && ok {
		return string(v) == "1", nil
	}
	ok, err := x.Accounts.CanRead(ctx, s.Token, owner, repo)
	if err != nil {
		return false, err
	}
	v := "0"
	if ok {
		v = "1"
	}
	x.Marks.CacheSet(ctx, key, []byte(v), readTTL)
	return ok, nil
}

// card is one release in the list, with what the viewer can do for it.
type card struct {
	*overview.Release
	Missing   []overview.RoleStatus
	WaitingMe []overview.RoleStatus
	Path      string
}

func (x *dash) list(c *gin.Context) {
	ctx := c.Request.Context()
	s := c.MustGet("session").(Session)
	keys, err := x.Releases.Open(ctx)
	if err != nil {
		x.Log.Error("dashboard: list releases", "err", err)
		x.fail(c, http.StatusServiceUnavailable, "Releases are unavailable right now.")
		return
	}
	repoFilter, mine := c.Query("repo"), c.Query("waiting") == "me"
	readable := map[string]bool{}
	var repos []string
	var cards []card
	for _, k := range keys {
		full := k.FullRepo()
		ok, seen := readable[full]
		if !seen {
			ok, err = x.canRead(ctx, s, k.Owner, k.Repo)
			if errors.Is(err, ErrSignedOut) {
				x.signedOut(c)
				return
			}
			if err != nil {
				x.Log.Warn("dashboard: can read", "repo", full, "err", err)
				ok = false // unknown is no
			}
			readable[full] = ok
			if ok {
				repos = append(repos, full)
			}
		}
		if !ok || (repoFilter != "" && !strings.EqualFold(repoFilter, full)) {
			continue
		}
		rel, roles, err := x.Releases.Overview(ctx, k, s.Login)
		if err != nil || rel == nil {
			if err != nil {
				x.Log.Warn("dashboard: overview", "release", k.String(), "err", err)
			}
			continue
		}
		cd := card{Release: rel, Missing: rel.MissingSignoffs(), WaitingMe: rel.WaitingOn(roles), Path: fmt.Sprintf("/releases/%s/%s/%d", k.Owner, k.Repo, k.PR)}
		if mine && len(cd.WaitingMe) == 0 {
			continue
		}
		cards = append(cards, cd)
	}
	sort.Strings(repos)
	// Blocked first, then the oldest: what needs someone now, on top.
	sort.SliceStable(cards, func(i, j int) bool {
		if cards[i].Verdict.Ready != cards[j].Verdict.Ready {
			return !cards[i].Verdict.Ready
		}
		return cards[i].OpenedAt.Before(cards[j].OpenedAt)
	})
	x.live(c, "list", gin.H{"Title": "Releases", "Wide": true, "Session": s, "Cards": cards, "Repos": repos, "Repo": repoFilter, "Mine": mine})
}

func (x *dash) release(c *gin.Context) {
	ctx := c.Request.Context()
	s := c.MustGet("session").(Session)
	k, format, ok := keyOf(c)
	if !ok {
		x.fail(c, http.StatusNotFound, "No such page.")
		return
	}
	readable, err := x.canRead(ctx, s, k.Owner, k.Repo)
	if errors.Is(err, ErrSignedOut) {
		x.signedOut(c)
		return
	}
	if err != nil {
		x.Log.Warn("dashboard: can read", "repo", k.FullRepo(), "err", err)
		x.fail(c, http.StatusBadGateway, "GitHub could not say whether you can read this repository; try again shortly.")
		return
	}
	if !readable {
		// The same answer whether or not the repository or release exists.
		x.fail(c, http.StatusForbidden, "You do not have access to this release, or it does not exist.")
		return
	}
	viewer := s.Login
	if format != "" {
		viewer = "" // the exports are the release's record, not the viewer's
	}
	rel, roles, err := x.Releases.Overview(ctx, k, viewer)
	if err != nil {
		x.Log.Error("dashboard: overview", "release", k.String(), "err", err)
		x.fail(c, http.StatusServiceUnavailable, "This release is unavailable right now.")
		return
	}
	if rel == nil {
		x.fail(c, http.StatusNotFound, "golive does not track this pull request as a release.")
		return
	}
	name := fmt.Sprintf("%s-%s-%d-release", k.Owner, k.Repo, k.PR)
	switch format {
	case "json":
		c.Header("Content-Disposition", `inline; filename="`+name+`.json"`)
		c.IndentedJSON(http.StatusOK, rel)
		return
	case "md":
		c.Header("Content-Disposition", `inline; filename="`+name+`.md"`)
		c.Data(http.StatusOK, "text/markdown; charset=utf-8", []byte(overview.Markdown(rel)))
		return
	}
	dv := x.decided(ctx, k, rel)
	var d *overview.Decided
	if dv != nil {
		d = dv.D
	}
	x.live(c, "release", gin.H{"Title": fmt.Sprintf("%s#%d", k.FullRepo(), k.PR), "Session": s, "R": rel, "WaitingMe": rel.WaitingOn(roles),
		"Sections": rel.Sections(), "Decided": dv, "D": d,
		"Path": fmt.Sprintf("/releases/%s/%s/%d", k.Owner, k.Repo, k.PR), "Refreshed": c.Query("refreshed") != ""})
}

func (x *dash) refresh(c *gin.Context) {
	ctx := c.Request.Context()
	s := c.MustGet("session").(Session)
	k, format, ok := keyOf(c)
	if !ok || format != "" {
		x.fail(c, http.StatusNotFound, "No such page.")
		return
	}
	readable, err := x.canRead(ctx, s, k.Owner, k.Repo)
	if err != nil || !readable {
		x.fail(c, http.StatusForbidden, "You do not have access to this release, or it does not exist.")
		return
	}
	if err := x.Releases.Refresh(ctx, k, s.Login); err != nil {
		x.Log.Warn("dashboard: refresh", "release", k.String(), "err", err)
		status, text := statusOf(err, "Could not queue the refresh; try again shortly.")
		x.fail(c, status, text)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/releases/%s/%s/%d?refreshed=1", k.Owner, k.Repo, k.PR))
}

// repoName is what GitHub allows in an owner or repository name; nothing
// else reaches a GitHub URL built from the path (go-github does not escape
// path segments).
var repoName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// keyOf reads the release from the path; "12.json" and "12.md" ask for
// the exports.
func keyOf(c *gin.Context) (release.Key, string, bool) {
	num, format, _ := strings.Cut(c.Param("pr"), ".")
	n, err := strconv.Atoi(num)
	owner, repo := c.Param("owner"), c.Param("repo")
	if err != nil || n <= 0 || owner == "." || owner == ".." || repo == "." || repo == ".." || !repoName.MatchString(owner) || !repoName.MatchString(repo) || !slices.Contains([]string{"", "json", "md"}, format) {
		return release.Key{}, "", false
	}
	return release.Key{Owner: owner, Repo: repo, PR: n}, format, true
}

func (x *dash) signedOut(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: x.cookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: x.secure, SameSite: http.SameSiteLaxMode})
	x.fail(c, http.StatusUnauthorized, "GitHub no longer accepts your sign-in. Sign in again.")
}

// live renders a page, or only its changing part for the page's own
// poll, with an ETag so an unchanged part costs a 304.
func (x *dash) live(c *gin.Context, page string, data gin.H) {
	data["Poll"] = x.Poll.Milliseconds()
	if c.GetHeader("X-Golive-Fragment") == "" {
		x.render(c, http.StatusOK, page, data)
		return
	}
	var b strings.Builder
	if err := x.pages[page].ExecuteTemplate(&b, "live", data); err != nil {
		x.Log.Error("dashboard: render", "page", page, "err", err)
		c.Status(http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256([]byte(b.String()))
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	c.Header("ETag", etag)
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(b.String()))
}

func (x *dash) render(c *gin.Context, status int, page string, data gin.H) {
	if s, ok := c.Get("session"); ok {
		data["Session"] = s
	}
	var b strings.Builder
	if err := x.pages[page].ExecuteTemplate(&b, "layout", data); err != nil {
		x.Log.Error("dashboard: render", "page", page, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error"))
		c.Abort()
		return
	}
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

// wantsData reports whether a request is for an export or a page's live
// part (its script's poll), which get JSON errors rather than pages.
func wantsData(c *gin.Context) bool {
	return strings.Contains(c.Param("pr"), ".") || c.GetHeader("X-Golive-Fragment") != ""
}

// fail answers with an error page (or JSON for the exports) that says
// what happened and nothing about the release.
func (x *dash) fail(c *gin.Context, status int, msg string) {
	if wantsData(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": msg})
		return
	}
	x.render(c, status, "error", gin.H{"Title": http.StatusText(status), "Status": status, "Message": msg})
	c.Abort()
}
