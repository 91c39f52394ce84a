package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fluxcd/pkg/apis/kustomize"
	"github.com/fluxcd/pkg/runtime/cel"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// fluxChecks are the healthCheckExprs of the image-jobs Kustomization, by apiVersion and kind,
// as Flux's kustomize-controller builds them: one CEL status evaluator each.
type fluxChecks map[string]*cel.StatusEvaluator

func loadFluxChecks(gitops string) (fluxChecks, error) {
	file := filepath.Join(gitops, "flux", "kustomizations.yaml")
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	checks := fluxChecks{}
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		var k struct {
			Kind     string
			Metadata struct{ Name string }
			Spec     struct {
				HealthCheckExprs []kustomize.CustomHealthCheck `json:"healthCheckExprs"`
			}
		}
		if err := yaml.Unmarshal(doc, &k); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, check := range k.Spec.HealthCheckExprs {
			evaluator, err := cel.NewStatusEvaluator(&check.HealthCheckExpressions)
			if err != nil {
				return nil, fmt.Errorf("%s: %s %s %s: %w", file, k.Metadata.Name, check.APIVersion, check.Kind, err)
			}
			checks[check.APIVersion+"/"+check.Kind] = evaluator
		}
	}
	if len(checks) == 0 {
		return nil, fmt.Errorf("%s: no healthCheckExprs", file)
	}
	return checks, nil
}

// status is Flux's verdict (InProgress, Failed, Current), or "error" when an expression cannot be
// evaluated (Flux then reports the error and polls again), or "none" without expressions.
func (c fluxChecks) status(obj *unstructured.Unstructured) string {
	evaluator, ok := c[obj.GetAPIVersion()+"/"+obj.GetKind()]
	if !ok {
		return "none"
	}
	result, err := evaluator.Evaluate(context.Background(), obj)
	if err != nil {
		return "error"
	}
	return string(result.Status)
}
