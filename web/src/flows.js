// The flows page (to come).
