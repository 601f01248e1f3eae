// A JSON Schema validator for the form library that needs no `eval` (the app's CSP forbids
// it, and Ajv compiles to code). It only helps the form pick oneOf/anyOf branches and show
// obvious mistakes; the engine checks every request against the contract when it is sent.
import type {
  CustomValidator,
  ErrorTransformer,
  RJSFSchema,
  RJSFValidationError,
  UiSchema,
  ValidationData,
  ValidatorType,
} from "@rjsf/utils";

type Json = unknown;

function typeOf(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** Problems of `value` against `schema` (types, required, enum, min/max), with paths. */
export function check(schema: RJSFSchema, value: Json, path = ""): RJSFValidationError[] {
  const errors: RJSFValidationError[] = [];
  if (typeof schema !== "object" || schema === null) return errors;
  const t = schema.type;
  if (t !== undefined && value !== undefined) {
    const types = Array.isArray(t) ? t : [t];
    const actual = typeOf(value);
    if (!types.some((x) => x === actual || (x === "number" && actual === "integer"))) {
      errors.push({ property: path || ".", message: `must be ${types.join(" or ")}`, stack: `${path || "."} must be ${types.join(" or ")}` });
      return errors;
    }
  }
  if (schema.enum && value !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push({ property: path || ".", message: "must be one of the allowed values", stack: `${path || "."} must be one of the allowed values` });
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      errors.push({ property: path, message: `must be >= ${schema.minimum}`, stack: `${path} must be >= ${schema.minimum}` });
    if (typeof schema.maximum === "number" && value > schema.maximum)
      errors.push({ property: path, message: `must be <= ${schema.maximum}`, stack: `${path} must be <= ${schema.maximum}` });
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, Json>;
    for (const r of schema.required ?? []) {
      if (obj[r] === undefined) errors.push({ property: `${path}.${r}`, message: "is required", stack: `${path}.${r} is required`, name: "required" });
    }
    for (const [k, sub] of Object.entries(schema.properties ?? {})) {
      if (obj[k] !== undefined) errors.push(...check(sub as RJSFSchema, obj[k], `${path}.${k}`));
    }
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) {
    value.forEach((item, i) => errors.push(...check(schema.items as RJSFSchema, item, `${path}.${i}`)));
  }
  return errors;
}

export const validator: ValidatorType = {
  validateFormData(
    formData: Json,
    schema: RJSFSchema,
    customValidate?: CustomValidator,
    transformErrors?: ErrorTransformer,
    uiSchema?: UiSchema,
  ): ValidationData<Json> {
    void customValidate;
    void uiSchema;
    let errors = check(schema, formData);
    if (transformErrors) errors = transformErrors(errors);
    return { errors, errorSchema: {} };
  },
  isValid(schema: RJSFSchema, formData: Json, rootSchema: RJSFSchema): boolean {
    void rootSchema;
    return check(schema, formData).length === 0;
  },
  rawValidation<Result = unknown>(schema: RJSFSchema, formData?: Json): { errors?: Result[]; validationError?: Error } {
    return { errors: check(schema, formData) as unknown as Result[] };
  },
  reset() {},
} as unknown as ValidatorType;
