// Command gitops-verify checks imagebatch's GitOps artefacts (gitops/) with the GitOps tools' own
// code, and prints one line per check and a summary:
//
//   - Argo CD: every case of gitops/argocd/<group>_<kind>/health_test.yaml through the script of
//     argocd-cm-patch.yaml, run by Argo CD's util/lua as it runs argocd-cm health customizations
//     (the .lua files must equal the patch's keys);
//   - Flux: the healthCheckExprs of gitops/flux/kustomizations.yaml through Flux's CEL status
//     evaluator (fluxcd/pkg/runtime/cel), on the same cases, where Argo CD's Healthy is Flux's
//     Current, Degraded Failed, Progressing InProgress and Suspended Current;
//   - live objects (-live DIR, written by the control-plane tier): Argo CD, kstatus
//     (sigs.k8s.io/cli-utils) and Flux, each as -expectations says.
//
// Exit status 0 when every check passed, 1 when one failed, 2 for bad usage or unreadable input.
package main

import (
	"flag"
	"fmt"
	"os"

	log "github.com/sirupsen/logrus"
)

func main() {
	gitops := flag.String("gitops", "gitops", "the repository's gitops/ directory")
	live := flag.String("live", "", "directory of captured live objects (<case>.yaml); empty: none")
	expectations := flag.String("expectations", "", "what each tool must say about each live object (YAML)")
	flag.Parse()
	// Argo CD's settings manager logs its informers' progress: only warnings matter here.
	log.SetLevel(log.WarnLevel)

	r := &report{}
	if err := run(r, *gitops, *live, *expectations); err != nil {
		fmt.Fprintln(os.Stderr, "gitops-verify:", err)
		os.Exit(2)
	}
	fmt.Printf("%d passed, %d failed\n", r.passed, r.failed)
	if r.failed > 0 {
		os.Exit(1)
	}
}

func run(r *report, gitops, live, expectations string) error {
	scripts, err := loadHealthScripts(gitops)
	if err != nil {
		return err
	}
	checks, err := loadFluxChecks(gitops)
	if err != nil {
		return err
	}
	if err := verifyTestCases(r, gitops, scripts, checks); err != nil {
		return err
	}
	if live == "" {
		return nil
	}
	if expectations == "" {
		return fmt.Errorf("-live needs -expectations")
	}
	return verifyLive(r, live, expectations, scripts, checks)
}

// report counts and prints check results.
type report struct {
	passed, failed int
}

func (r *report) check(tool, name, got, want string) {
	if got == want {
		r.passed++
		fmt.Printf("ok   %-8s %s: %s\n", tool, name, got)
		return
	}
	r.failed++
	fmt.Printf("FAIL %-8s %s: got %s, want %s\n", tool, name, got, want)
}
