package deploy_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestZeroDowntimeRollout: what docs/runbook.md promises ("Expected
// downtime: none") holds in the manifests: a rollout never takes a ready
// replica away before its successor is ready, a drain keeps one, and a
// stopping replica finishes its in-flight work.
func TestZeroDowntimeRollout(t *testing.T) {
	all := docs(t)
	dep := all["base/deployment.yaml"][0]
	ru := dig(dep, "spec", "strategy", "rollingUpdate")
	if dig(dep, "spec", "strategy", "type") != "RollingUpdate" || dig(ru, "maxUnavailable") != 0 || dig(ru, "maxSurge") == 0 {
		t.Errorf("rollout %v: want RollingUpdate, maxUnavailable 0, maxSurge at least 1", dig(dep, "spec", "strategy"))
	}
	replicas, _ := dig(dep, "spec", "replicas").(int)
	pdb, _ := dig(all["base/pdb.yaml"][0], "spec", "minAvailable").(int)
	if replicas < 2 || pdb < 1 || pdb >= replicas {
		t.Errorf("replicas %d, PodDisruptionBudget minAvailable %d: a drain must keep one and still move one", replicas, pdb)
	}
	c := dig(dep, "spec", "template", "spec", "containers", 0)
	if dig(c, "readinessProbe", "httpGet", "path") != "/readyz" {
		t.Error("no readiness probe: a replica would take traffic before it can queue it")
	}
	if g, _ := dig(dep, "spec", "template", "spec", "terminationGracePeriodSeconds").(int); g < 30 {
		t.Errorf("terminationGracePeriodSeconds %d: a stopping replica needs time to finish its deliveries", g)
	}
	rb, _ := os.ReadFile("../docs/runbook.md")
	if !strings.Contains(string(rb), "**Expected downtime**: none.") {
		t.Error("docs/runbook.md no longer states the expected downtime")
	}
}

// TestAutoscaler: the HPA's thresholds fit the requests and the figures:
// it scales on CPU below the limit, its floor is the Deployment's replicas
// (so an apply does not fight it) and keeps the PodDisruptionBudget, and
// its ceiling is the one docs/capacity.md plans for. Whether the range is
// right in production is GoliveAtMaxReplicas' and GoliveReplicasFlapping's.
func TestAutoscaler(t *testing.T) {
	all := docs(t)
	hpa := all["base/hpa.yaml"][0]
	dep := all["base/deployment.yaml"][0]
	if dig(hpa, "spec", "scaleTargetRef", "name") != dig(dep, "metadata", "name") {
		t.Fatalf("the HPA scales %v, not the Deployment", dig(hpa, "spec", "scaleTargetRef", "name"))
	}
	lo, _ := dig(hpa, "spec", "minReplicas").(int)
	hi, _ := dig(hpa, "spec", "maxReplicas").(int)
	replicas, _ := dig(dep, "spec", "replicas").(int)
	pdb, _ := dig(all["base/pdb.yaml"][0], "spec", "minAvailable").(int)
	if lo != replicas || lo <= pdb || hi < 2*lo {
		t.Errorf("HPA %d..%d, Deployment %d, PDB %d: want the floor at the Deployment's replicas, above the PDB, and room to double", lo, hi, replicas, pdb)
	}
	m := dig(hpa, "spec", "metrics", 0)
	target, _ := dig(m, "resource", "target", "averageUtilization").(int)
	if dig(m, "resource", "name") != "cpu" || target < 50 || target > 80 {
		t.Errorf("HPA metric %v: want CPU utilization between 50 and 80 %% of the request", m)
	}
	// prod requests 250m with a 2-CPU limit: the target is reached long
	// before the limit throttles a replica.
	c := dig(dep, "spec", "template", "spec", "containers", 0)
	if dig(c, "resources", "requests", "cpu") == nil || dig(c, "resources", "limits", "cpu") == nil {
		t.Error("utilization needs a CPU request, and a limit above it")
	}
	capacity, _ := os.ReadFile("../docs/capacity.md")
	if !strings.Contains(string(capacity), "HPA "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+" at "+strconv.Itoa(target)+" %") {
		t.Errorf("docs/capacity.md does not describe the HPA as %d to %d at %d %%", lo, hi, target)
	}
}
