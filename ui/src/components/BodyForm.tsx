import Form from "@rjsf/core";
import type { RJSFSchema } from "@rjsf/utils";

import { validator } from "../lib/validator";

interface Props {
  schema: unknown;
  value: unknown;
  onChange: (value: unknown) => void;
}

/** The body as a form generated from its JSON Schema (nested objects, arrays, oneOf/anyOf). */
export default function BodyForm({ schema, value, onChange }: Props) {
  return (
    <Form schema={schema as RJSFSchema} formData={value} validator={validator} noHtml5Validate onChange={(e) => onChange(e.formData)}>
      <></>
    </Form>
  );
}
