"""The agency deployment on JupyterHub: demo accounts and the ``make hub`` launcher.
The hub's configuration itself is ``deploy/jupyterhub_config.py``."""
