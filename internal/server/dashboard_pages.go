package server

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/release"
)

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
