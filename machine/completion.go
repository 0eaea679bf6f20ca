package machine

var completionCatalogue []InputSpec

var completionEffects []Effect
