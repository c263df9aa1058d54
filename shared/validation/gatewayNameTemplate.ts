// The syntax of ARC_GATEWAY_NAME_TEMPLATE, what config.ts validates at start: gateway-name
// characters around one `{location}`. How names are handed out per region is gateway placement's
// (shared/onboarding/gatewayPlacement.ts).
import { ValidationError } from "../errors";
import { shorten } from "../text";

export const locationPlaceholder = "{location}";

const gatewayNameCharacters = /^[a-zA-Z0-9\-_.]+$/; // the spec's gatewayName pattern (HybridCompute 2025-01-13)

/** Checks a name template: literal parts are gateway-name characters, `{location}` appears, nothing else in braces. */
export function validateGatewayNameTemplate(template: string): string {
  const trimmed = template.trim();
  const literal = trimmed.split(locationPlaceholder).join("");
  const problem = !trimmed.includes(locationPlaceholder)
    ? `it must contain ${locationPlaceholder}: one gateway per region needs a name per region`
    : /[{}]/.test(literal)
      ? `${locationPlaceholder} is the only placeholder`
      : literal !== "" && !gatewayNameCharacters.test(literal)
        ? "gateway names allow only letters, digits, '-', '_' and '.'"
        : trimmed.length > 60
          ? "it is longer than 60 characters"
          : undefined;
  if (problem) {
    throw new ValidationError(
      `Gateway name template '${shorten(trimmed, 80)}' is invalid: ${problem}`,
      "InvalidTemplate",
    );
  }
  return trimmed;
}
