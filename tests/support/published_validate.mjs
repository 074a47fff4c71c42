// Runs a validator that an npm package generated from a published CRD schema.
// usage: node published_validate.mjs <absolute path of the validator module>
// stdin: a JSON array of objects; stdout: a JSON array, one list of errors per object.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const mod = await import(pathToFileURL(process.argv[2]).href);
const objects = JSON.parse(readFileSync(0, "utf8"));
const results = objects.map((obj) => {
  if (mod.validate(obj)) return [];
  return (mod.validate.errors || []).map((e) => {
    const where = e.instancePath || "/";
    return `${where}: ${e.keyword} ${JSON.stringify(e.params)}`;
  });
});
process.stdout.write(JSON.stringify(results));
