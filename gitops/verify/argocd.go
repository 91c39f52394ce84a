package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/lua"
	"github.com/argoproj/argo-cd/v3/util/settings"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes/fake"
	"sigs.k8s.io/yaml"
)

const customizationPrefix = "resource.customizations.health."

// healthScripts are the health customizations of argocd-cm-patch.yaml as Argo CD's settings
// manager reads them: resource overrides keyed "<group>/<kind>".
type healthScripts map[string]v1alpha1.ResourceOverride

// loadHealthScripts loads argocd-cm-patch.yaml into a (fake) cluster and reads it back with Argo
// CD's own settings manager, as the API server, repo server and controller read argocd-cm; it
// checks that each health key equals its gitops/argocd/<group>_<kind>/health.lua.
func loadHealthScripts(gitops string) (healthScripts, error) {
	file := filepath.Join(gitops, "argocd", "argocd-cm-patch.yaml")
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	cm := &corev1.ConfigMap{}
	if err := yaml.UnmarshalStrict(raw, cm); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if cm.Kind != "ConfigMap" || cm.Name != "argocd-cm" {
		return nil, fmt.Errorf("%s: not the argocd-cm ConfigMap (kind %q, name %q)", file, cm.Kind, cm.Name)
	}
	for key, script := range cm.Data {
		groupKind, ok := strings.CutPrefix(key, customizationPrefix)
		if !ok {
			continue
		}
		lua, err := os.ReadFile(filepath.Join(gitops, "argocd", groupKind, "health.lua"))
		if err != nil {
			return nil, fmt.Errorf("%s has %s: %w", file, key, err)
		}
		if string(lua) != script {
			return nil, fmt.Errorf("%s: %s differs from %s/health.lua; copy the file into the key", file, key, groupKind)
		}
	}
	clientset := fake.NewClientset(cm, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "argocd-secret", Namespace: cm.Namespace},
	})
	overrides, err := settings.NewSettingsManager(context.Background(), clientset, cm.Namespace).GetResourceOverrides()
	if err != nil {
		return nil, fmt.Errorf("%s: Argo CD's settings manager: %w", file, err)
	}
	scripts := healthScripts{}
	for key, override := range overrides {
		if override.HealthLua != "" {
			scripts[key] = override
		}
	}
	if len(scripts) == 0 {
		return nil, fmt.Errorf("%s: no %s* keys", file, customizationPrefix)
	}
	return scripts, nil
}

// health is what Argo CD shows for obj with these customizations: the override is found by the
// object's group and kind and run without Lua's open libraries, exactly as for argocd-cm.
func (s healthScripts) health(obj *unstructured.Unstructured) (status, message string, err error) {
	result, err := lua.ResourceHealthOverrides(s).GetResourceHealth(obj)
	if err != nil {
		return "", "", err
	}
	if result == nil {
		return "", "", fmt.Errorf("no health customization for %s", obj.GroupVersionKind())
	}
	return string(result.Status), result.Message, nil
}

// testCase is one entry of a health_test.yaml (Argo CD's resource_customizations test format).
type testCase struct {
	InputPath    string `json:"inputPath"`
	HealthStatus struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	} `json:"healthStatus"`
}

// verifyTestCases runs every health_test.yaml case through Argo CD and Flux.
func verifyTestCases(r *report, gitops string, scripts healthScripts, checks fluxChecks) error {
	dirs, err := filepath.Glob(filepath.Join(gitops, "argocd", "*", "health_test.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(dirs)
	if len(dirs) == 0 {
		return fmt.Errorf("no %s/argocd/*/health_test.yaml", gitops)
	}
	for _, tests := range dirs {
		dir := filepath.Dir(tests)
		raw, err := os.ReadFile(tests)
		if err != nil {
			return err
		}
		var file struct {
			Tests []testCase `json:"tests"`
		}
		if err := yaml.UnmarshalStrict(raw, &file); err != nil {
			return fmt.Errorf("%s: %w", tests, err)
		}
		for _, c := range file.Tests {
			name := filepath.Base(dir) + " " + c.InputPath
			obj, err := readObject(filepath.Join(dir, c.InputPath))
			if err != nil {
				return err
			}
			status, message, err := scripts.health(obj)
			if err != nil {
				r.check("argocd", name, "error: "+err.Error(), c.HealthStatus.Status)
			} else {
				r.check("argocd", name, fmt.Sprintf("%s %q", status, message),
					fmt.Sprintf("%s %q", c.HealthStatus.Status, c.HealthStatus.Message))
			}
			r.check("flux", name, checks.status(obj), fluxStatusFor(obj, c.HealthStatus.Status))
		}
	}
	return nil
}

// fluxStatusFor is what Flux must say where Argo CD says argoStatus: both tools agree. An object
// without status cannot be evaluated yet: Flux reports the error and polls again.
func fluxStatusFor(obj *unstructured.Unstructured, argoStatus string) string {
	if _, found := obj.Object["status"]; !found {
		return "error"
	}
	switch argoStatus {
	case "Healthy", "Suspended":
		return "Current"
	case "Degraded":
		return "Failed"
	default:
		return "InProgress"
	}
}

// readObject decodes a YAML object as the API machinery decodes objects from the API server, so
// the tools see what they see in a cluster (integers as int64: Flux's generation check reads
// status.observedGeneration with NestedInt64, which skips a float64).
func readObject(file string) (*unstructured.Unstructured, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	json, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(json); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return obj, nil
}
