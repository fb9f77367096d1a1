"""HTML pages and pyvis pictures, returned as strings; their JS/CSS ship with the package."""
