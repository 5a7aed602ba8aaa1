"""Console pages: scans."""
