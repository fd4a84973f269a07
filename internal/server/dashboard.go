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

func (x *dash) home(c *gin.Context) {
	if _, ok := x.current(c); ok {
		c.Redirect(http.StatusSeeOther, "/releases")
		return
	}
	x.render(c, http.StatusOK, "home", gin.H{"Title": "golive"})
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
