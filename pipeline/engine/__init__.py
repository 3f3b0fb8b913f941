"""The machinery that runs the stages over a corpus: the cache, the input listing, chunks of articles, this
process or a pool of workers or a Dask cluster, and the progress bar. No stage logic lives here."""
