{{/* Chart name, overridable. */}}
{{- define "imagebatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: <release>-<chart>, or the release name when it already contains the chart name. */}}
{{- define "imagebatch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "imagebatch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "imagebatch.labels" -}}
helm.sh/chart: {{ include "imagebatch.chart" . }}
{{ include "imagebatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: imagebatch
{{- end }}

{{/* Selector labels: stable across upgrades. */}}
{{- define "imagebatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "imagebatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "imagebatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "imagebatch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The operator's rules: the one place they are written (the Quarkus build generates none). Granted
cluster-wide, or per watched namespace; the Lease rule is granted in the release namespace only
(leader-election-role.yaml). Tests run the packaged operator as this ServiceAccount with exactly
these rules. No Secrets: runner pods read them, the operator never does. ImageRunners are read and
only their status written: their spec belongs to Git.
*/}}
{{- define "imagebatch.operatorRules" -}}
- apiGroups: ["imagebatch.io"]
  resources: ["imagebatches", "imagebatches/status", "imagebatches/finalizers"]
  verbs: ["get", "list", "watch", "patch", "update", "create", "delete"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "patch", "update"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["kueue.x-k8s.io"]
  resources: ["workloads"]
  verbs: ["get", "list", "patch"]
- apiGroups: ["imagebatch.io"]
  resources: ["imagerunners"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["imagebatch.io"]
  resources: ["imagerunners/status"]
  verbs: ["get", "patch", "update"]
{{- end }}

{{/*
The Lease rule: the fabric8 leader elector reads, creates and renews (patch or update) the Lease.
*/}}
{{- define "imagebatch.leaseRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "update", "patch"]
{{- end }}
