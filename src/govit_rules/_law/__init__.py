"""Law: citations (条/款/项/目), the official working-day calendar and Civil Code periods."""
