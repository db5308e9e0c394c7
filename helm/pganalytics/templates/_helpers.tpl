{{/* Names, labels and the values the templates share. */}}

{{- define "pganalytics.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-pganalytics", or the release name alone when it already holds the chart name. */}}
{{- define "pganalytics.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels a selector may use (never change between upgrades). Call with (dict "ctx" $ "component" "server"). */}}
{{- define "pganalytics.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pganalytics.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "pganalytics.labels" -}}
{{ include "pganalytics.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: pganalytics
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "pganalytics.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pganalytics.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "pganalytics.serverImage" -}}
{{- printf "%s:%s" .Values.server.image.repository (default .Chart.AppVersion .Values.server.image.tag) -}}
{{- end -}}

{{- define "pganalytics.collectorImage" -}}
{{- printf "%s:%s" .Values.collectors.image.repository (default .Chart.AppVersion .Values.collectors.image.tag) -}}
{{- end -}}

{{/* An API version the cluster serves, or one listed in .Values.apiVersions (offline rendering). */}}
{{- define "pganalytics.hasApi" -}}
{{- if or (.ctx.Capabilities.APIVersions.Has .api) (has .api .ctx.Values.apiVersions) -}}true{{- end -}}
{{- end -}}

{{- define "pganalytics.headlessName" -}}
{{- printf "%s-hazelcast" (include "pganalytics.fullname" .) -}}
{{- end -}}

{{- define "pganalytics.postgresqlName" -}}
{{- printf "%s-postgresql" (include "pganalytics.fullname" .) -}}
{{- end -}}

{{- define "pganalytics.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "pganalytics.fullname" .)) .Values.tls.existingSecret -}}
{{- end -}}

{{- define "pganalytics.adminSecretName" -}}
{{- default (printf "%s-admin" (include "pganalytics.fullname" .)) .Values.admin.existingSecret -}}
{{- end -}}

{{- define "pganalytics.keystoreSecretName" -}}
{{- default (printf "%s-keystore" (include "pganalytics.fullname" .)) .Values.encryption.keystore.existingSecret -}}
{{- end -}}

{{/* The Secret and key holding the database password the server uses. */}}
{{- define "pganalytics.databaseSecretName" -}}
{{- if .Values.postgresql.enabled -}}
{{- default (include "pganalytics.postgresqlName" .) .Values.postgresql.existingSecret -}}
{{- else -}}
{{- default (printf "%s-database" (include "pganalytics.fullname" .)) .Values.database.external.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "pganalytics.databaseSecretKey" -}}
{{- if .Values.postgresql.enabled -}}password{{- else -}}{{ .Values.database.external.existingSecretKey }}{{- end -}}
{{- end -}}

{{- define "pganalytics.databaseUrl" -}}
{{- if .Values.postgresql.enabled -}}
{{- printf "jdbc:postgresql://%s:5432/%s" (include "pganalytics.postgresqlName" .) .Values.postgresql.database -}}
{{- else -}}
{{- $e := .Values.database.external -}}
{{- if not $e.host -}}
{{- fail "database.external.host is required when postgresql.enabled is false (or turn postgresql.enabled on for a trial)" -}}
{{- end -}}
{{- printf "jdbc:postgresql://%s:%v/%s?sslmode=%s" $e.host $e.port $e.database $e.sslMode -}}
{{- end -}}
{{- with .Values.database.extraParameters -}}{{ if $.Values.postgresql.enabled }}?{{ else }}&{{ end }}{{ . }}{{- end -}}
{{- end -}}

{{- define "pganalytics.databaseUser" -}}
{{- if .Values.postgresql.enabled -}}{{ .Values.postgresql.user }}{{- else -}}{{ .Values.database.external.user }}{{- end -}}
{{- end -}}

{{/* The in-cluster API URL (the certificate names this host). */}}
{{- define "pganalytics.serviceUrl" -}}
{{- printf "https://%s.%s.svc:%v" (include "pganalytics.fullname" .) .Release.Namespace .Values.service.port -}}
{{- end -}}

{{- define "pganalytics.publicUrl" -}}
{{- if .Values.server.publicUrl -}}
{{- .Values.server.publicUrl -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "https://%s" .Values.ingress.host -}}
{{- else -}}
{{- include "pganalytics.serviceUrl" . -}}
{{- end -}}
{{- end -}}

{{/* Server nodes at most: the replica count, or the autoscaler's maximum. */}}
{{- define "pganalytics.maxServerNodes" -}}
{{- if .Values.autoscaling.enabled -}}{{ .Values.autoscaling.maxReplicas }}{{- else -}}{{ .Values.server.replicaCount }}{{- end -}}
{{- end -}}

{{/* A random value kept across upgrades: the existing Secret's key when the release already has it. */}}
{{- define "pganalytics.keptRandom" -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret -}}
{{- if and $existing (index ($existing.data | default dict) .key) -}}
{{- index $existing.data .key | b64dec -}}
{{- else -}}
{{- randAlphaNum 32 -}}
{{- end -}}
{{- end -}}

{{/* The restricted security context every container of the chart runs with. */}}
{{- define "pganalytics.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Refuses contradictory values with a message saying what to do. */}}
{{- define "pganalytics.validate" -}}
{{- if and (gt (int (include "pganalytics.maxServerNodes" .)) 1) (eq .Values.encryption.keystore.existingSecret "") (not (hasKey .Values.server.config "encryption")) -}}
{{- fail "more than one server node needs encryption.keystore.existingSecret: every node must use the same key-encryption key (docs/KUBERNETES.md, \"Production install\"), or configure an HSM or KMS in server.config.encryption" -}}
{{- end -}}
{{- if le (int .Values.server.terminationGracePeriodSeconds) (add .Values.server.preStopSleepSeconds .Values.server.shutdownGraceSeconds 30 | int) -}}
{{- fail (printf "server.terminationGracePeriodSeconds (%v) must exceed preStopSleepSeconds + shutdownGraceSeconds + 30 (%v): the node would be killed while draining" .Values.server.terminationGracePeriodSeconds (add .Values.server.preStopSleepSeconds .Values.server.shutdownGraceSeconds 30)) -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled .Values.verticalPodAutoscaler.enabled (ne .Values.verticalPodAutoscaler.updateMode "Off") -}}
{{- fail "verticalPodAutoscaler.updateMode must be Off while autoscaling (the HPA on CPU) is on: the two would fight" -}}
{{- end -}}
{{- if and (or .Values.collectors.daemonSet.enabled .Values.collectors.deployment.enabled) (not .Values.collectors.registrationSecret) -}}
{{- fail "collectors need collectors.registrationSecret: a Secret of registration tokens an admin created in the console (docs/KUBERNETES.md, \"Collectors\")" -}}
{{- end -}}
{{- if and .Values.collectors.deployment.enabled (not .Values.collectors.deployment.targets) -}}
{{- fail "collectors.deployment.enabled needs at least one entry in collectors.deployment.targets" -}}
{{- end -}}
{{- end -}}

{{/* The collector's mounts, the same in its register init container and its main container. */}}
{{- define "pganalytics.collectorMounts" -}}
- name: state
  mountPath: {{ .state }}
- name: tmp
  mountPath: /tmp
- name: config
  mountPath: /etc/pganalytics-collector/config
  readOnly: true
- name: tls
  mountPath: /etc/pganalytics-collector/tls
  readOnly: true
- name: token
  mountPath: /etc/pganalytics-collector/token
  readOnly: true
- name: keys
  mountPath: /etc/pganalytics-collector/keys
  readOnly: true
{{- range $i, $t := .targets }}
{{- if $t.passwordSecret }}
- name: target-{{ $i }}
  mountPath: /etc/pganalytics-collector/targets/{{ $i }}
  readOnly: true
{{- end }}
{{- end }}
{{- if eq .mode "daemonset" }}
- name: host-proc
  mountPath: /host/proc
  readOnly: true
{{- end }}
{{- if and (eq .mode "daemonset") .ctx.Values.collectors.daemonSet.dataDirectoryHostPath }}
- name: pgdata
  mountPath: {{ .ctx.Values.collectors.daemonSet.dataDirectoryHostPath }}
  readOnly: true
{{- end }}
{{- end -}}
