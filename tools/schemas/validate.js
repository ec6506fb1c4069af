#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Validates JSON documents against the published schemas that the npm packages in
// package.json ship (installed by scripts/setup with `npm ci --ignore-scripts`; nothing is
// fetched here):
//
//   node validate.js sarif FILE...       SARIF 2.1.0 (the schemastore copy of OASIS's final
//                                        schema, sarif-2.1.0-rtm.5.json, draft-04), shipped by
//                                        @microsoft/jest-sarif
//   node validate.js cyclonedx FILE...   CycloneDX 1.5 (bom-1.5 with its spdx and jsf schemas,
//                                        draft-07), shipped by @cyclonedx/cyclonedx-library
//
// Prints "valid <kind> <file>" or the schema errors per file. Exit 0 when every file is valid,
// 1 when one is not, 2 on usage errors or a missing schema.
'use strict';

const fs = require('fs');
const path = require('path');

function load(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function sarifValidator() {
  const Ajv04 = require('ajv-draft-04');
  const addFormats = require('ajv-formats');
  const dir = path.dirname(require.resolve('@microsoft/jest-sarif/package.json'));
  const schema = load(path.join(dir, 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'));
  // The schema's language pattern is not valid with the 'u' flag Ajv 8 uses by default.
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function cyclonedxValidator() {
  const Ajv = require('ajv');
  const addFormats = require('ajv-formats');
  const addFormats2019 = require('ajv-formats-draft2019');
  const dir = path.join(
    path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
  const ajv = new (Ajv.default || Ajv)({ allErrors: true, strict: false });
  addFormats(ajv);
  addFormats2019(ajv);
  // bom-1.5 refers to its companions by file name relative to its own $id.
  for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    const s = load(path.join(dir, name));
    s.$id = 'http://cyclonedx.org/schema/' + name;
    ajv.addSchema(s);
  }
  return ajv.compile(load(path.join(dir, 'bom-1.5.SNAPSHOT.schema.json')));
}

function main(argv) {
  const [kind, ...files] = argv;
  const makers = { sarif: sarifValidator, cyclonedx: cyclonedxValidator };
  if (!makers[kind] || files.length === 0) {
    process.stderr.write('usage: validate.js sarif|cyclonedx FILE...\n');
    return 2;
  }
  let validate;
  try {
    validate = makers[kind]();
  } catch (e) {
    process.stderr.write('validate.js: cannot load the ' + kind + ' schema: ' + e.message + '\n');
    return 2;
  }
  let rc = 0;
  for (const file of files) {
    let doc;
    try {
      doc = load(file);
    } catch (e) {
      process.stdout.write('invalid ' + kind + ' ' + file + ': ' + e.message + '\n');
      rc = 1;
      continue;
    }
    if (validate(doc)) {
      process.stdout.write('valid ' + kind + ' ' + file + '\n');
      continue;
    }
    rc = 1;
    process.stdout.write('invalid ' + kind + ' ' + file + '\n');
    for (const err of validate.errors) {
      process.stdout.write('  ' + (err.instancePath || '/') + ' ' + err.message +
                           (err.params ? ' ' + JSON.stringify(err.params) : '') + '\n');
    }
  }
  return rc;
}

process.exitCode = main(process.argv.slice(2));
