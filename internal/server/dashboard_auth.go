package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

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
