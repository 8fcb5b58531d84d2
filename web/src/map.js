// The map page (to come).
