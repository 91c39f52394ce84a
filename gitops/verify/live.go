package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/yaml"
)

// expectation is what each tool must say about one captured object.
type expectation struct {
	ArgoCD  string `json:"argocd"`
	Kstatus string `json:"kstatus"`
	Flux    string `json:"flux"`
}

// verifyLive checks every captured object against its expectation; a capture without an
// expectation, or an expectation without a capture, fails.
func verifyLive(r *report, live, expectations string, scripts healthScripts, checks fluxChecks) error {
	raw, err := os.ReadFile(expectations)
	if err != nil {
		return err
	}
	expected := map[string]expectation{}
	if err := yaml.UnmarshalStrict(raw, &expected); err != nil {
		return fmt.Errorf("%s: %w", expectations, err)
	}
	files, err := filepath.Glob(filepath.Join(live, "*.yaml"))
	if err != nil {
		return err
	}
	captured := map[string]string{}
	for _, f := range files {
		captured[strings.TrimSuffix(filepath.Base(f), ".yaml")] = f
	}
	names := make([]string, 0, len(expected))
	for name := range expected {
		names = append(names, name)
	}
	for name := range captured {
		if _, ok := expected[name]; !ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		want, ok := expected[name]
		if !ok {
			r.check("live", name, "captured", "an expectation in "+expectations)
			continue
		}
		file, ok := captured[name]
		if !ok {
			r.check("live", name, "not captured", "captured in "+live)
			continue
		}
		obj, err := readObject(file)
		if err != nil {
			return err
		}
		health, message, err := scripts.health(obj)
		if err != nil {
			health = "error: " + err.Error()
		}
		r.check("argocd", name, health, want.ArgoCD)
		if health != want.ArgoCD {
			fmt.Printf("     argocd message: %q\n", message)
		}
		result, err := status.Compute(obj)
		kstatus := "error: "
		if err == nil {
			kstatus = result.Status.String()
		} else {
			kstatus += err.Error()
		}
		r.check("kstatus", name, kstatus, want.Kstatus)
		r.check("flux", name, checks.status(obj), want.Flux)
	}
	return nil
}
