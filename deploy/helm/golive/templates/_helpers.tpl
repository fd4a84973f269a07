{{- define "golive.name" -}}golive{{- end -}}

{{- define "golive.fullname" -}}
{{- if contains "golive" .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-golive" .Release.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "golive.labels" -}}
app.kubernetes.io/name: golive
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "golive.selector" -}}
app.kubernetes.io/name: golive
app.kubernetes.io/instance: {{ .Release.Name }}
component: server
{{- end -}}

{{- define "golive.redisHost" -}}{{ include "golive.fullname" . }}-redis{{- end -}}
