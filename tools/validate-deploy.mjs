// Validates the deployment files offline (make deploy-check):
// - every YAML file under deploy/ parses (strictly: duplicate keys are errors);
// - every Kubernetes manifest validates against the Kubernetes OpenAPI schema of its kind
//   (kubernetes-models' generated JSON-schema validators);
// - the properties the deployment relies on hold: probes on /healthz and /readyz, a grace period
//   covering SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT, non-root read-only containers, a PDB selecting the
//   pods, placeholders only in the example Secret, the router's subscription and header settings.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { Secret } from 'kubernetes-models/v1/Secret';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'deploy');
const models = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 Secret': Secret,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
};
let failures = 0;
let checked = 0;
const fail = (file, msg) => { failures++; console.error(`${file}: ${msg}`); };
const check = (file, ok, msg) => { checked++; if (!ok) fail(file, msg); };

function load(rel) {
  const docs = parseAllDocuments(readFileSync(join(root, rel), 'utf8'), { uniqueKeys: true });
  const out = [];
  for (const d of docs) {
    if (d.errors.length) { fail(rel, d.errors.map((e) => e.message).join('; ')); continue; }
    out.push(d.toJS());
  }
  checked++;
  return out;
}

function yamlFiles(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return yamlFiles(rel);
    return /\.ya?ml$/.test(e.name) ? [rel] : [];
  });
}

const byKind = {};
for (const rel of yamlFiles('')) {
  for (const doc of load(rel)) {
    if (!rel.startsWith('kubernetes/') || doc.kind === 'Kustomization') continue;
    const key = `${doc.apiVersion} ${doc.kind}`;
    const Model = models[key];
    if (!Model) { fail(rel, `no schema for ${key}`); continue; }
    try {
      new Model(doc).validate();
      checked++;
    } catch (e) {
      fail(rel, `${key} does not validate: ${e.message}`);
    }
    byKind[doc.kind] = { doc, rel };
  }
}

const duration = (s) => {
  const m = /^(\d+)s$/.exec(s ?? '');
  return m ? Number(m[1]) : NaN;
};

const dep = byKind.Deployment;
if (!dep) fail('kubernetes/', 'no Deployment');
else {
  const { doc, rel } = dep;
  const pod = doc.spec.template.spec;
  const c = pod.containers[0];
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
  check(rel, c.livenessProbe?.httpGet?.path === '/healthz', 'liveness probe is not GET /healthz');
  check(rel, c.readinessProbe?.httpGet?.path === '/readyz', 'readiness probe is not GET /readyz');
  const need = duration(env.SHUTDOWN_DELAY) + duration(env.SHUTDOWN_TIMEOUT);
  check(rel, pod.terminationGracePeriodSeconds > need,
    `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} does not exceed SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT (${need} s)`);
  check(rel, pod.securityContext?.runAsNonRoot === true && pod.securityContext?.runAsUser > 0, 'pods may run as root');
  check(rel, c.securityContext?.readOnlyRootFilesystem === true, 'the root filesystem is writable');
  check(rel, c.securityContext?.allowPrivilegeEscalation === false, 'privilege escalation allowed');
  check(rel, c.resources?.requests?.cpu && c.resources?.limits?.memory, 'no CPU request or memory limit');
  const labels = doc.spec.template.metadata.labels;
  const pdb = byKind.PodDisruptionBudget;
  check(pdb?.rel ?? 'kubernetes/', pdb && Object.entries(pdb.doc.spec.selector.matchLabels).every(([k, v]) => labels[k] === v),
    'no PodDisruptionBudget selecting the pods');
  const svc = byKind.Service;
  check(svc?.rel ?? 'kubernetes/', svc && Object.entries(svc.doc.spec.selector).every(([k, v]) => labels[k] === v),
    'no Service selecting the pods');
}

const secret = byKind.Secret;
if (secret) {
  for (const [k, v] of Object.entries(secret.doc.stringData ?? {})) {
    check(secret.rel, /<[^>]+>/.test(v), `${k} is not a placeholder: an example Secret holds <placeholders> only`);
  }
  check(secret.rel, !secret.doc.data, 'data (base64) in the example Secret: use stringData placeholders');
}

const [router] = load('router.yaml');
const sub = router?.subscription?.mode?.passthrough?.subgraphs?.gladgraph;
check('router.yaml', router?.subscription?.enabled === true && sub?.path === '/graphql' && sub?.protocol === 'graphql_ws',
  'subscriptions do not pass through to gladgraph at /graphql over graphql_ws (graphql-transport-ws)');
const hdrs = router?.headers?.subgraphs?.gladgraph?.request ?? [];
check('router.yaml', hdrs.some((h) => h.propagate?.named?.toLowerCase() === 'authorization'), 'Authorization is not propagated to gladgraph');
check('router.yaml', Array.isArray(router?.authentication?.router?.jwt?.jwks), 'no JWT authentication (jwks)');

const [sg] = load('supergraph.yaml');
const file = sg?.subgraphs?.gladgraph?.schema?.file;
check('supergraph.yaml', file && readFileSync(join(root, file), 'utf8').includes('@link('), 'the gladgraph subgraph schema file is missing or not a federation SDL');

const gw = readFileSync(join(root, 'gateway.config.ts'), 'utf8');
for (const want of ['jwt:', "kind: 'ws'", "location: '/graphql'", 'authorization']) {
  check('gateway.config.ts', gw.includes(want), `lacks ${want}`);
}

if (failures) {
  console.error(`deploy-check: ${failures} problem(s)`);
  process.exit(1);
}
console.log(`deploy-check: ${checked} checks passed`);
