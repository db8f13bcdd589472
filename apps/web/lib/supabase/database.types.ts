export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      ai_requests: {
        Row: {
          completion_tokens: number
          created_at: string
          duration_ms: number
          id: string
          model: string
          org_id: string
          prompt_tokens: number
          record_id: string | null
          summary: string
          total_tokens: number
          user_id: string | null
        }
        Insert: {
          completion_tokens: number
          created_at?: string
          duration_ms: number
          id?: string
          model: string
          org_id: string
          prompt_tokens: number
          record_id?: string | null
          summary: string
          total_tokens: number
          user_id?: string | null
        }
        Update: {
          completion_tokens?: number
          created_at?: string
          duration_ms?: number
          id?: string
          model?: string
          org_id?: string
          prompt_tokens?: number
          record_id?: string | null
          summary?: string
          total_tokens?: number
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "ai_requests_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ai_requests_record_id_fkey"
            columns: ["record_id"]
            isOneToOne: false
            referencedRelation: "records"
            referencedColumns: ["id"]
          },
        ]
      }
      api_keys: {
        Row: {
          created_at: string
          created_by: string
          id: string
          key_hash: string
          last_used_at: string | null
          name: string
          org_id: string
          prefix: string
          revoked_at: string | null
        }
        Insert: {
          created_at?: string
          created_by: string
          id?: string
          key_hash: string
          last_used_at?: string | null
          name: string
          org_id: string
          prefix: string
          revoked_at?: string | null
        }
        Update: {
          created_at?: string
          created_by?: string
          id?: string
          key_hash?: string
          last_used_at?: string | null
          name?: string
          org_id?: string
          prefix?: string
          revoked_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "api_keys_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      api_rate_limits: {
        Row: {
          bucket: string
          hits: number
          window_start: string
        }
        Insert: {
          bucket: string
          hits: number
          window_start: string
        }
        Update: {
          bucket?: string
          hits?: number
          window_start?: string
        }
        Relationships: []
      }
      automation_runs: {
        Row: {
          automation_id: string
          duration_ms: number
          error: string | null
          finished_at: string
          id: string
          org_id: string
          records_changed: number
          records_matched: number
          schedule_id: string | null
          started_at: string
          status: Database["public"]["Enums"]["automation_run_status"]
          trigger: Database["public"]["Enums"]["automation_trigger"]
          triggered_by: string | null
        }
        Insert: {
          automation_id: string
          duration_ms: number
          error?: string | null
          finished_at: string
          id?: string
          org_id: string
          records_changed?: number
          records_matched?: number
          schedule_id?: string | null
          started_at: string
          status: Database["public"]["Enums"]["automation_run_status"]
          trigger: Database["public"]["Enums"]["automation_trigger"]
          triggered_by?: string | null
        }
        Update: {
          automation_id?: string
          duration_ms?: number
          error?: string | null
          finished_at?: string
          id?: string
          org_id?: string
          records_changed?: number
          records_matched?: number
          schedule_id?: string | null
          started_at?: string
          status?: Database["public"]["Enums"]["automation_run_status"]
          trigger?: Database["public"]["Enums"]["automation_trigger"]
          triggered_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "automation_runs_automation_id_org_id_fkey"
            columns: ["automation_id", "org_id"]
            isOneToOne: false
            referencedRelation: "automations"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "automation_runs_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "automation_runs_schedule_id_fkey"
            columns: ["schedule_id"]
            isOneToOne: false
            referencedRelation: "schedules"
            referencedColumns: ["id"]
          },
        ]
      }
      automations: {
        Row: {
          action: Database["public"]["Enums"]["automation_action"]
          created_at: string
          created_by: string | null
          filter: NonNullable<Json>
          id: string
          name: string
          org_id: string
          params: NonNullable<Json>
        }
        Insert: {
          action: Database["public"]["Enums"]["automation_action"]
          created_at?: string
          created_by?: string | null
          filter?: NonNullable<Json>
          id?: string
          name: string
          org_id: string
          params?: NonNullable<Json>
        }
        Update: {
          action?: Database["public"]["Enums"]["automation_action"]
          created_at?: string
          created_by?: string | null
          filter?: NonNullable<Json>
          id?: string
          name?: string
          org_id?: string
          params?: NonNullable<Json>
        }
        Relationships: [
          {
            foreignKeyName: "automations_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      invitations: {
        Row: {
          created_at: string
          email: string
          expires_at: string
          id: string
          invited_by: string | null
          last_sent_at: string
          org_id: string
          responded_at: string | null
          responded_by: string | null
          role: Database["public"]["Enums"]["org_role"]
          send_count: number
          status: Database["public"]["Enums"]["invitation_status"]
        }
        Insert: {
          created_at?: string
          email: string
          expires_at?: string
          id?: string
          invited_by?: string | null
          last_sent_at?: string
          org_id: string
          responded_at?: string | null
          responded_by?: string | null
          role?: Database["public"]["Enums"]["org_role"]
          send_count?: number
          status?: Database["public"]["Enums"]["invitation_status"]
        }
        Update: {
          created_at?: string
          email?: string
          expires_at?: string
          id?: string
          invited_by?: string | null
          last_sent_at?: string
          org_id?: string
          responded_at?: string | null
          responded_by?: string | null
          role?: Database["public"]["Enums"]["org_role"]
          send_count?: number
          status?: Database["public"]["Enums"]["invitation_status"]
        }
        Relationships: [
          {
            foreignKeyName: "invitations_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      memberships: {
        Row: {
          created_at: string
          org_id: string
          role: Database["public"]["Enums"]["org_role"]
          user_id: string
        }
        Insert: {
          created_at?: string
          org_id: string
          role?: Database["public"]["Enums"]["org_role"]
          user_id: string
        }
        Update: {
          created_at?: string
          org_id?: string
          role?: Database["public"]["Enums"]["org_role"]
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "memberships_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      org_subscriptions: {
        Row: {
          current_period_end: string
          current_period_start: string
          org_id: string
          plan_id: string
          status: Database["public"]["Enums"]["subscription_status"]
          updated_at: string
        }
        Insert: {
          current_period_end: string
          current_period_start: string
          org_id: string
          plan_id: string
          status?: Database["public"]["Enums"]["subscription_status"]
          updated_at?: string
        }
        Update: {
          current_period_end?: string
          current_period_start?: string
          org_id?: string
          plan_id?: string
          status?: Database["public"]["Enums"]["subscription_status"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "org_subscriptions_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: true
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "org_subscriptions_plan_id_fkey"
            columns: ["plan_id"]
            isOneToOne: false
            referencedRelation: "plans"
            referencedColumns: ["id"]
          },
        ]
      }
      organizations: {
        Row: {
          created_at: string
          created_by: string | null
          id: string
          is_personal: boolean
          name: string
        }
        Insert: {
          created_at?: string
          created_by?: string | null
          id?: string
          is_personal?: boolean
          name: string
        }
        Update: {
          created_at?: string
          created_by?: string | null
          id?: string
          is_personal?: boolean
          name?: string
        }
        Relationships: []
      }
      plans: {
        Row: {
          id: string
          limits: NonNullable<Json>
          name: string
          price_cents: number
          sort_order: number
        }
        Insert: {
          id: string
          limits: NonNullable<Json>
          name: string
          price_cents: number
          sort_order: number
        }
        Update: {
          id?: string
          limits?: NonNullable<Json>
          name?: string
          price_cents?: number
          sort_order?: number
        }
        Relationships: []
      }
      profiles: {
        Row: {
          created_at: string
          display_name: string | null
          email: string
          id: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          display_name?: string | null
          email: string
          id: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          display_name?: string | null
          email?: string
          id?: string
          updated_at?: string
        }
        Relationships: []
      }
      record_files: {
        Row: {
          content_type: string
          created_at: string
          file_name: string
          id: string
          org_id: string
          record_id: string
          size_bytes: number
          storage_path: string
          uploaded_by: string | null
        }
        Insert: {
          content_type: string
          created_at?: string
          file_name: string
          id?: string
          org_id: string
          record_id: string
          size_bytes: number
          storage_path: string
          uploaded_by?: string | null
        }
        Update: {
          content_type?: string
          created_at?: string
          file_name?: string
          id?: string
          org_id?: string
          record_id?: string
          size_bytes?: number
          storage_path?: string
          uploaded_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "record_files_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "record_files_record_id_org_id_fkey"
            columns: ["record_id", "org_id"]
            isOneToOne: false
            referencedRelation: "records"
            referencedColumns: ["id", "org_id"]
          },
        ]
      }
      records: {
        Row: {
          archived: boolean
          body: string
          created_at: string
          created_by: string | null
          id: string
          org_id: string
          tags: string[]
          title: string
          updated_at: string
        }
        Insert: {
          archived?: boolean
          body?: string
          created_at?: string
          created_by?: string | null
          id?: string
          org_id: string
          tags?: string[]
          title: string
          updated_at?: string
        }
        Update: {
          archived?: boolean
          body?: string
          created_at?: string
          created_by?: string | null
          id?: string
          org_id?: string
          tags?: string[]
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "records_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      schedules: {
        Row: {
          automation_id: string
          created_at: string
          created_by: string | null
          cron: string
          enabled: boolean
          id: string
          last_run_at: string | null
          next_run_at: string
          org_id: string
        }
        Insert: {
          automation_id: string
          created_at?: string
          created_by?: string | null
          cron: string
          enabled?: boolean
          id?: string
          last_run_at?: string | null
          next_run_at: string
          org_id: string
        }
        Update: {
          automation_id?: string
          created_at?: string
          created_by?: string | null
          cron?: string
          enabled?: boolean
          id?: string
          last_run_at?: string | null
          next_run_at?: string
          org_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "schedules_automation_id_org_id_fkey"
            columns: ["automation_id", "org_id"]
            isOneToOne: false
            referencedRelation: "automations"
            referencedColumns: ["id", "org_id"]
          },
          {
            foreignKeyName: "schedules_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      subscription_changes: {
        Row: {
          changed_at: string
          changed_by: string | null
          from_plan_id: string | null
          id: number
          org_id: string
          to_plan_id: string
        }
        Insert: {
          changed_at?: string
          changed_by?: string | null
          from_plan_id?: string | null
          id?: never
          org_id: string
          to_plan_id: string
        }
        Update: {
          changed_at?: string
          changed_by?: string | null
          from_plan_id?: string | null
          id?: never
          org_id?: string
          to_plan_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "subscription_changes_from_plan_id_fkey"
            columns: ["from_plan_id"]
            isOneToOne: false
            referencedRelation: "plans"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "subscription_changes_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "subscription_changes_to_plan_id_fkey"
            columns: ["to_plan_id"]
            isOneToOne: false
            referencedRelation: "plans"
            referencedColumns: ["id"]
          },
        ]
      }
      usage_aggregation_runs: {
        Row: {
          duration_ms: number | null
          error: string | null
          finished_at: string | null
          id: number
          period_end: string
          period_start: string
          period_type: string
          rows_deleted: number
          rows_upserted: number
          started_at: string
          status: string
        }
        Insert: {
          duration_ms?: number | null
          error?: string | null
          finished_at?: string | null
          id?: never
          period_end: string
          period_start: string
          period_type: string
          rows_deleted?: number
          rows_upserted?: number
          started_at?: string
          status: string
        }
        Update: {
          duration_ms?: number | null
          error?: string | null
          finished_at?: string | null
          id?: never
          period_end?: string
          period_start?: string
          period_type?: string
          rows_deleted?: number
          rows_upserted?: number
          started_at?: string
          status?: string
        }
        Relationships: []
      }
      usage_aggregation_state: {
        Row: {
          period_type: string
          rolled_through: string | null
          updated_at: string
        }
        Insert: {
          period_type: string
          rolled_through?: string | null
          updated_at?: string
        }
        Update: {
          period_type?: string
          rolled_through?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      usage_aggregations: {
        Row: {
          dimension: string
          event_count: number
          id: number
          metric_type: string
          org_id: string | null
          period_end: string
          period_start: string
          period_type: string
          total_quantity: number
          updated_at: string
          user_id: string
        }
        Insert: {
          dimension?: string
          event_count: number
          id?: never
          metric_type: string
          org_id?: string | null
          period_end: string
          period_start: string
          period_type: string
          total_quantity: number
          updated_at?: string
          user_id: string
        }
        Update: {
          dimension?: string
          event_count?: number
          id?: never
          metric_type?: string
          org_id?: string | null
          period_end?: string
          period_start?: string
          period_type?: string
          total_quantity?: number
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      usage_dirty_days: {
        Row: {
          day: string
          marked_at: string
          org_id: string
        }
        Insert: {
          day: string
          marked_at?: string
          org_id: string
        }
        Update: {
          day?: string
          marked_at?: string
          org_id?: string
        }
        Relationships: []
      }
      usage_dirty_months: {
        Row: {
          marked_at: string
          month: string
          org_id: string
        }
        Insert: {
          marked_at?: string
          month: string
          org_id: string
        }
        Update: {
          marked_at?: string
          month?: string
          org_id?: string
        }
        Relationships: []
      }
      usage_event_keys: {
        Row: {
          created_at: string
          idempotency_key: string
        }
        Insert: {
          created_at: string
          idempotency_key: string
        }
        Update: {
          created_at?: string
          idempotency_key?: string
        }
        Relationships: []
      }
      usage_events: {
        Row: {
          created_at: string
          event_data: NonNullable<Json>
          event_type: string
          id: string
          idempotency_key: string
          org_id: string | null
          quantity: number
          received_at: string
          user_id: string
        }
        Insert: {
          created_at: string
          event_data?: NonNullable<Json>
          event_type: string
          id?: string
          idempotency_key: string
          org_id?: string | null
          quantity: number
          received_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          event_data?: NonNullable<Json>
          event_type?: string
          id?: string
          idempotency_key?: string
          org_id?: string | null
          quantity?: number
          received_at?: string
          user_id?: string
        }
        Relationships: []
      }
      usage_export_leases: {
        Row: {
          expires_at: string
          id: string
          started_at: string
          user_id: string
        }
        Insert: {
          expires_at: string
          id?: string
          started_at?: string
          user_id: string
        }
        Update: {
          expires_at?: string
          id?: string
          started_at?: string
          user_id?: string
        }
        Relationships: []
      }
      usage_gauge_months: {
        Row: {
          event_count: number
          metric_type: string
          month: string
          org_id: string
          total_quantity: number
          updated_at: string
          user_id: string | null
        }
        Insert: {
          event_count: number
          metric_type: string
          month: string
          org_id: string
          total_quantity: number
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          event_count?: number
          metric_type?: string
          month?: string
          org_id?: string
          total_quantity?: number
          updated_at?: string
          user_id?: string | null
        }
        Relationships: []
      }
      usage_ingestion_log: {
        Row: {
          duplicates: number
          hour: string
          offered: number
          reasons: NonNullable<Json>
          rejected: number
          shard: number
          source: string
          stored: number
        }
        Insert: {
          duplicates?: number
          hour: string
          offered?: number
          reasons?: NonNullable<Json>
          rejected?: number
          shard: number
          source: string
          stored?: number
        }
        Update: {
          duplicates?: number
          hour?: string
          offered?: number
          reasons?: NonNullable<Json>
          rejected?: number
          shard?: number
          source?: string
          stored?: number
        }
        Relationships: []
      }
      usage_metrics: {
        Row: {
          dimension_fields: string[]
          external: boolean
          kind: string
          label: string
          limit_key: string
          metric: string
          sort_order: number
          unit: string
        }
        Insert: {
          dimension_fields?: string[]
          external?: boolean
          kind: string
          label: string
          limit_key: string
          metric: string
          sort_order: number
          unit: string
        }
        Update: {
          dimension_fields?: string[]
          external?: boolean
          kind?: string
          label?: string
          limit_key?: string
          metric?: string
          sort_order?: number
          unit?: string
        }
        Relationships: []
      }
      usage_notifications: {
        Row: {
          created_at: string
          dismissed_at: string | null
          dismissed_by: string | null
          id: number
          limit_value: number
          metric: string
          org_id: string
          period_end: string
          period_start: string
          threshold: number
          used: number
        }
        Insert: {
          created_at?: string
          dismissed_at?: string | null
          dismissed_by?: string | null
          id?: never
          limit_value: number
          metric: string
          org_id: string
          period_end: string
          period_start: string
          threshold: number
          used: number
        }
        Update: {
          created_at?: string
          dismissed_at?: string | null
          dismissed_by?: string | null
          id?: never
          limit_value?: number
          metric?: string
          org_id?: string
          period_end?: string
          period_start?: string
          threshold?: number
          used?: number
        }
        Relationships: [
          {
            foreignKeyName: "usage_notifications_metric_fkey"
            columns: ["metric"]
            isOneToOne: false
            referencedRelation: "usage_metrics"
            referencedColumns: ["metric"]
          },
          {
            foreignKeyName: "usage_notifications_org_id_fkey"
            columns: ["org_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      usage_retention: {
        Row: {
          id: boolean
          keep_months: number | null
          raw_from: string | null
          updated_at: string
        }
        Insert: {
          id?: boolean
          keep_months?: number | null
          raw_from?: string | null
          updated_at?: string
        }
        Update: {
          id?: boolean
          keep_months?: number | null
          raw_from?: string | null
          updated_at?: string
        }
        Relationships: []
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      acquire_usage_export: {
        Args: { p_limit: number; p_ttl_seconds: number; p_user_id: string }
        Returns: {
          lease_id: string
          retry_after: number
        }[]
      }
      admit_api_call: {
        Args: {
          p_key_hash: string
          p_method: string
          p_request_id: string
          p_route: string
        }
        Returns: {
          key_id: string
          org_id: string
          revoked: boolean
          user_id: string
        }[]
      }
      aggregate_usage: {
        Args: {
          p_org_ids?: string[]
          p_period_end: string
          p_period_start: string
          p_period_type: string
        }
        Returns: Json
      }
      change_org_plan: {
        Args: { p_actor: string; p_org_id: string; p_plan_id: string }
        Returns: undefined
      }
      check_usage_limit: {
        Args: { p_adding?: number; p_metric: string; p_org_id: string }
        Returns: Json
      }
      console_platform_counts: {
        Args: { p_end: string; p_start: string }
        Returns: Json
      }
      console_reconciliation: {
        Args: { p_since: string }
        Returns: {
          actual: number
          check_name: string
          difference: number
          expected: number
          month: string
          org_id: string
        }[]
      }
      console_usage_partitions: {
        Args: Record<PropertyKey, never>
        Returns: {
          bytes: number
          month: string
          partition_name: string
          rows: number
        }[]
      }
      console_usage_spikes: {
        Args: { p_day: string; p_factor?: number }
        Returns: {
          day_total: number
          metric_type: string
          org_id: string
          trailing_average: number
        }[]
      }
      create_invitation: {
        Args: {
          p_actor: string
          p_email: string
          p_org_id: string
          p_role: Database["public"]["Enums"]["org_role"]
        }
        Returns: string
      }
      create_organization: {
        Args: { p_is_personal?: boolean; p_name: string; p_owner: string }
        Returns: string
      }
      drop_expired_usage_partitions: {
        Args: { p_keep_months?: number }
        Returns: Json
      }
      ensure_usage_partitions: {
        Args: { p_months_ahead?: number }
        Returns: Json
      }
      hit_rate_limit: {
        Args: { p_bucket: string; p_limit: number; p_window_seconds: number }
        Returns: number
      }
      ingest_usage_events: {
        Args: { p_return_keys?: boolean; p_rows: Json; p_source?: string }
        Returns: string[]
      }
      prune_usage_event_keys: { Args: { p_limit?: number }; Returns: number }
      record_api_call_statuses: { Args: { p_rows: Json }; Returns: undefined }
      record_ingestion_rejections: {
        Args: { p_reasons: Json; p_rejected: number }
        Returns: undefined
      }
      record_usage_alerts: { Args: Record<PropertyKey, never>; Returns: number }
      release_usage_export: { Args: { p_lease_id: string }; Returns: undefined }
      renew_usage_export: {
        Args: { p_lease_id: string; p_ttl_seconds: number }
        Returns: boolean
      }
      resend_invitation: {
        Args: { p_actor: string; p_invitation_id: string; p_org_id: string }
        Returns: undefined
      }
      respond_to_invitation: {
        Args: { p_accept: boolean; p_invitation_id: string; p_user: string }
        Returns: string
      }
      revoke_invitation: {
        Args: { p_actor: string; p_invitation_id: string; p_org_id: string }
        Returns: undefined
      }
      run_automation: {
        Args: {
          p_actor: string
          p_automation_id: string
          p_schedule_id?: string
          p_trigger: Database["public"]["Enums"]["automation_trigger"]
        }
        Returns: {
          automation_id: string
          duration_ms: number
          error: string | null
          finished_at: string
          id: string
          org_id: string
          records_changed: number
          records_matched: number
          schedule_id: string | null
          started_at: string
          status: Database["public"]["Enums"]["automation_run_status"]
          trigger: Database["public"]["Enums"]["automation_trigger"]
          triggered_by: string | null
        }
        SetofOptions: {
          from: "*"
          to: "automation_runs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_membership: {
        Args: {
          p_actor: string
          p_org_id: string
          p_role: Database["public"]["Enums"]["org_role"]
          p_user_id: string
        }
        Returns: undefined
      }
      usage_breakdown: {
        Args: {
          p_by: string
          p_end: string
          p_org_id: string
          p_start: string
          p_user_id: string
        }
        Returns: {
          event_count: number
          key: string
          metric_type: string
          total_quantity: number
        }[]
      }
      usage_bucket_rows: {
        Args: {
          p_baseline?: boolean
          p_bucket: string
          p_dimension?: boolean
          p_end: string
          p_metrics: string[]
          p_org_id: string
          p_start: string
          p_user_id: string
        }
        Returns: Json
      }
      usage_export_events: {
        Args: {
          p_after_at?: string
          p_after_id?: string
          p_after_org?: string
          p_end: string
          p_limit?: number
          p_metrics: string[]
          p_null_org?: boolean
          p_org_id: string
          p_start: string
          p_user_id: string
        }
        Returns: Json
      }
      usage_first_event_at: {
        Args: Record<PropertyKey, never>
        Returns: string
      }
      usage_series: {
        Args: {
          p_bucket: string
          p_end: string
          p_org_id: string
          p_start: string
          p_user_id: string
        }
        Returns: {
          bucket_start: string
          event_count: number
          metric_type: string
          total_quantity: number
        }[]
      }
      usage_totals: {
        Args: {
          p_end: string
          p_org_id: string
          p_start: string
          p_user_id: string
        }
        Returns: {
          event_count: number
          metric_type: string
          refreshed_at: string
          rolled_through: string
          total_quantity: number
        }[]
      }
    }
    Enums: {
      automation_action: "tag" | "archive"
      automation_run_status: "succeeded" | "failed"
      automation_trigger: "manual" | "schedule"
      invitation_status: "pending" | "accepted" | "declined" | "revoked"
      org_role: "owner" | "admin" | "member"
      subscription_status: "active" | "trialing" | "past_due" | "canceled"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      automation_action: ["tag", "archive"],
      automation_run_status: ["succeeded", "failed"],
      automation_trigger: ["manual", "schedule"],
      invitation_status: ["pending", "accepted", "declined", "revoked"],
      org_role: ["owner", "admin", "member"],
      subscription_status: ["active", "trialing", "past_due", "canceled"],
    },
  },
} as const

