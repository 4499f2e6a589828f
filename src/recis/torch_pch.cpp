// Anchors recis_torch's precompiled torch header so the library builds before any torch-facing
// folder has sources of its own.
