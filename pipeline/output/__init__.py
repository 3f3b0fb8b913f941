"""Output: the table schemas in one place (``schema``), the rows and their CSV and Parquet files (``tables``),
the all-or-nothing swap of the output folder (``swap``), the data package, dictionary, manifest and partitions."""
