package machine

var admissionCatalogue []InputSpec

var admissionEffects []Effect
