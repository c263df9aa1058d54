// How an operator starts a machine's onboarding again, said the same way in every message that
// tells them to: the onboard runbook, or any write to the machine (its write event starts it).
export const onboardAgain =
  "the onboard runbook (POST /api/machines/onboard) or a new write to the machine (a tag change, for one)";
